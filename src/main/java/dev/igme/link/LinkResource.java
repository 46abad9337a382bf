package dev.igme.link;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.link.qr.QrCodes;
import dev.igme.link.qr.QrOptions;
import dev.igme.link.qr.QrTarget;
import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.Page;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** Links of campaigns, their refs and personal refs: admins write, viewers read. */
@Path("/api/v1/links")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-admin")
public class LinkResource {

    static final int MAX_LIMIT = 500;

    private final LinkService links;

    public LinkResource(LinkService links) {
        this.links = links;
    }

    /** Newest first; filters {@code campaign}, {@code channel}, {@code archived}, {@code labelPrefix}. */
    @GET
    @RolesAllowed("igme-viewer")
    public Uni<Page<Link>> list(@RestQuery String campaign, @RestQuery String channel, @RestQuery Boolean archived,
            @RestQuery String labelPrefix, @RestQuery Integer limit, @RestQuery String cursor) {
        int size = QueryParams.limit(limit, 50, MAX_LIMIT);
        Channel byChannel;
        try {
            byChannel = channel == null || channel.isBlank() ? null : Channel.of(channel);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "channel");
        }
        return links.links(new LinkStore.LinkQuery(QueryParams.blankToNull(campaign), byChannel, archived,
                QueryParams.blankToNull(labelPrefix), Page.fetchSize(size), QueryParams.blankToNull(cursor)))
                .map(rows -> Page.of(rows, size, Link::id));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("igme-viewer")
    public Uni<Link> get(@PathParam("id") String id) {
        return links.link(id).map(l -> found(l, id));
    }

    @POST
    public Uni<Response> create(Link.Input link) {
        return links.createLink(link).map(created -> Response.created(URI.create("/api/v1/links/" + created.id()))
                .entity(created).build());
    }

    /** Changes channel, label, route or expiry; fields left out stay as they are. */
    @PUT
    @Path("/{id}")
    public Uni<Link> update(@PathParam("id") String id, Link.Input link) {
        return links.updateLink(id, link).map(l -> found(l, id));
    }

    /** Archives the link (never deleted: its ref may be printed); the redirect answers 410 from now on. */
    @POST
    @Path("/{id}/archive")
    public Uni<Link> archive(@PathParam("id") String id) {
        return links.archiveLink(id).map(l -> found(l, id));
    }

    /** Mints a personal ref carrying the business's own id for one person, sealed so the person cannot read or alter it. */
    @POST
    @Path("/{id}/refs")
    public Uni<Response> personalRef(@PathParam("id") String id, Link.PersonalRefRequest request) {
        return links.personalRef(id, request).map(ref -> Response.status(Response.Status.CREATED)
                .entity(found(ref, id)).build());
    }

    /**
     * The link's QR code as PNG: {@code size} in pixels (64-4096, default 512), {@code ecc} L/M/Q/H
     * (default M), {@code margin} in modules (0-16, default 4), {@code target} {@code tracked}
     * (default; the ig.me URL when no public URL is configured) or {@code direct}.
     */
    @GET
    @Path("/{id}/qr.png")
    @Produces("image/png")
    @RolesAllowed("igme-viewer")
    public Uni<Response> qrPng(@PathParam("id") String id, @RestQuery Integer size, @RestQuery String ecc,
            @RestQuery Integer margin, @RestQuery String target) {
        return qr(id, size, ecc, margin, target, "png");
    }

    /** The link's QR code as SVG; the same parameters as the PNG. */
    @GET
    @Path("/{id}/qr.svg")
    @Produces("image/svg+xml")
    @RolesAllowed("igme-viewer")
    public Uni<Response> qrSvg(@PathParam("id") String id, @RestQuery Integer size, @RestQuery String ecc,
            @RestQuery Integer margin, @RestQuery String target) {
        return qr(id, size, ecc, margin, target, "svg");
    }

    private Uni<Response> qr(String id, Integer size, String ecc, Integer margin, String target, String format) {
        QrOptions options = QrOptions.parse(size, ecc, margin);
        QrTarget to = QrTarget.parse(target);
        return links.link(id).map(link -> found(link, id)).emitOn(Infrastructure.getDefaultWorkerPool()).map(link -> {
            // drawing a large PNG takes a while: off the event loop
            String url = to == QrTarget.TRACKED && link.trackedUrl() != null ? link.trackedUrl() : link.igMeUrl();
            if (url == null) {
                throw new LinkInvalid("target", "has no URL: the account has no username configured");
            }
            Object image = format.equals("png") ? QrCodes.png(url, options) : QrCodes.svg(url, options);
            return Response.ok(image).header("Cache-Control", "private, max-age=300")
                    .header("Content-Disposition", "inline; filename=\"" + id + "." + format + "\"").build();
        });
    }

    private static <T> T found(T value, String id) {
        if (value == null) {
            throw ApiError.notFound("no link " + id);
        }
        return value;
    }
}
