package dev.igme.reply.coupons;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.igme.platform.api.ApiError;
import dev.igme.reply.rules.ReplyRule;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;

/** Coupon pools and their codes: admins create pools and upload codes, viewers read the counts. */
@Path("/api/v1/coupon-pools")
@Produces(MediaType.APPLICATION_JSON)
public class CouponPoolResource {

    private final CouponPools pools;

    public CouponPoolResource(CouponPools pools) {
        this.pools = pools;
    }

    @POST
    @RolesAllowed("igme-admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(ReplyRule.StrictReader.class)
    public Uni<Response> create(NewCouponPool pool) {
        return pools.create(pool).map(created -> Response.created(URI.create("/api/v1/coupon-pools/" + created.id()))
                .entity(created).build());
    }

    @GET
    @RolesAllowed({"igme-viewer", "igme-admin"})
    public Uni<List<CouponPool>> list() {
        return pools.list();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"igme-viewer", "igme-admin"})
    public Uni<CouponPool> get(@PathParam("id") long id) {
        return pools.get(id).map(pool -> found(pool, id));
    }

    /**
     * Codes as {@code text/csv} (one per line, optional header {@code code}) or
     * {@code application/x-ndjson} ({@code {"code":"..."}} per line); all are added or none.
     */
    @POST
    @Path("/{id}/codes")
    @RolesAllowed("igme-admin")
    @Consumes(MediaType.WILDCARD)
    public Uni<CouponPools.Uploaded> upload(@PathParam("id") long id, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
            byte[] body) {
        return pools.upload(id, type, body).map(uploaded -> found(uploaded, id));
    }

    /** Deletes a pool no rule uses and none of whose codes was issued (204); 409 otherwise. */
    @DELETE
    @Path("/{id}")
    @RolesAllowed("igme-admin")
    public Uni<Response> delete(@PathParam("id") long id) {
        return pools.delete(id).map(deleted -> {
            found(deleted ? Boolean.TRUE : null, id);
            return Response.noContent().build();
        });
    }

    private static <T> T found(T value, long id) {
        if (value == null) {
            throw ApiError.notFound("no coupon pool " + id);
        }
        return value;
    }
}
