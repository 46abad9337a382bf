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

import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.Page;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;

/** Campaigns: admins create, edit and archive them; viewers read. */
@Path("/api/v1/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-admin")
public class CampaignResource {

    static final int MAX_LIMIT = 500;

    private final LinkService links;
    private final LinkStore store;

    public CampaignResource(LinkService links, LinkStore store) {
        this.links = links;
        this.store = store;
    }

    /** Newest first; filters {@code account} and {@code archived} (true/false). */
    @GET
    @RolesAllowed("igme-viewer")
    public Uni<Page<Campaign>> list(@RestQuery String account, @RestQuery Boolean archived, @RestQuery Integer limit,
            @RestQuery String cursor) {
        int size = QueryParams.limit(limit, 50, MAX_LIMIT);
        return store.campaigns(QueryParams.blankToNull(account), archived, Page.fetchSize(size),
                QueryParams.blankToNull(cursor)).map(rows -> Page.of(rows, size, Campaign::id));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("igme-viewer")
    public Uni<Campaign> get(@PathParam("id") String id) {
        return store.campaign(id).map(c -> found(c, id));
    }

    @POST
    public Uni<Response> create(Campaign.Input campaign) {
        return links.createCampaign(campaign).map(created -> Response.created(URI.create("/api/v1/campaigns/" + created.id()))
                .entity(created).build());
    }

    @PUT
    @Path("/{id}")
    public Uni<Campaign> update(@PathParam("id") String id, Campaign.Input campaign) {
        return links.updateCampaign(id, campaign).map(c -> found(c, id));
    }

    /** Archives the campaign and its links: refs keep being read, the redirect answers 410. */
    @POST
    @Path("/{id}/archive")
    public Uni<Campaign> archive(@PathParam("id") String id) {
        return links.archiveCampaign(id).map(c -> found(c, id));
    }

    private static <T> T found(T value, String id) {
        if (value == null) {
            throw ApiError.notFound("no campaign " + id);
        }
        return value;
    }
}
