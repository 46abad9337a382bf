package dev.igme.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.link.Link;
import dev.igme.link.LinkService;
import dev.igme.link.qr.QrCodes;
import dev.igme.link.qr.QrOptions;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * A link's QR code for the console's pages: the same image as {@code /api/v1/links/{id}/qr.png|svg}
 * (same drawing, default size, error correction and margin, pointing at the tracked URL), under
 * the console's sign-in, since a browser has the console's session rather than an API token.
 * {@code ?download=true} asks the browser to save it.
 */
@ConsolePage
@Path(Pages.ROOT + "/links/{id}")
public class LinkImages {

    private final LinkService links;

    public LinkImages(LinkService links) {
        this.links = links;
    }

    @GET
    @Path("/qr.png")
    public Uni<Response> png(@PathParam("id") String id, @RestQuery boolean download) {
        return image(id, "png", "image/png", download);
    }

    @GET
    @Path("/qr.svg")
    public Uni<Response> svg(@PathParam("id") String id, @RestQuery boolean download) {
        return image(id, "svg", "image/svg+xml", download);
    }

    private Uni<Response> image(String id, String format, String type, boolean download) {
        return links.link(id).emitOn(Infrastructure.getDefaultWorkerPool()).map(link -> {
            String url = link == null ? null : target(link);
            if (url == null) {
                return Pages.message(Response.Status.NOT_FOUND, "No QR code",
                        "There is no link " + id + ", or its account has no username configured.");
            }
            Object image = format.equals("png") ? QrCodes.png(url, QrOptions.DEFAULTS) : QrCodes.svg(url, QrOptions.DEFAULTS);
            String disposition = (download ? "attachment" : "inline") + "; filename=\"" + id + "." + format + "\"";
            return Response.ok(image, type).header("Cache-Control", "private, max-age=300")
                    .header("Content-Disposition", disposition).build();
        });
    }

    private static String target(Link link) {
        return link.trackedUrl() != null ? link.trackedUrl() : link.igMeUrl();
    }
}
