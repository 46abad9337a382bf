package dev.igme.link.identity;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;

/**
 * Who is who: the Instagram users bound to one of the business's ids by a verified personal ref,
 * and the ids one user is bound to. The binding also travels on the attribution event
 * ({@code externalId}), so consumers need no second call.
 */
@Path("/api/v1/identities")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-viewer")
public class IdentityResource {

    private final IdentityStore store;

    public IdentityResource(IdentityStore store) {
        this.store = store;
    }

    /** The users bound to {@code externalId} (required), newest binding first. */
    @GET
    public Uni<List<IdentityStore.Identity>> byExternalId(@RestQuery String externalId, @RestQuery Integer limit) {
        String id = QueryParams.blankToNull(externalId);
        if (id == null) {
            throw ApiError.badRequest("externalId is required", "externalId");
        }
        return store.byExternalId(id, QueryParams.limit(limit, 50, 500));
    }

    /** The external ids one user of an account is bound to; 404 when none. */
    @GET
    @Path("/{igAccountId}/{igsid}")
    public Uni<List<IdentityStore.Identity>> byUser(@PathParam("igAccountId") String igAccountId,
            @PathParam("igsid") String igsid) {
        return store.byUser(igAccountId, igsid).map(list -> {
            if (list.isEmpty()) {
                throw ApiError.notFound("no identity bound to " + igsid + " of " + igAccountId);
            }
            return list;
        });
    }
}
