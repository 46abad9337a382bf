package dev.igme.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.igme.config.Roles;

/**
 * {@code /api/**} reads PostgreSQL, which only normalizer and replier instances use: an
 * ingress-only instance does not start Hibernate at all, so it answers 404 with where to go
 * instead of failing deep inside a query. (The Kubernetes Ingress sends {@code /api} to the
 * instances that hold the database.)
 */
public class DatabaseRoleApiFilter {

    private final boolean servesApi;

    public DatabaseRoleApiFilter(Roles roles) {
        this.servesApi = roles.usesDatabase();
    }

    @ServerRequestFilter
    public Response onlyWhereTheDatabaseIs(ContainerRequestContext request) {
        if (servesApi || !request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        return ApiError.response(Response.Status.NOT_FOUND, new ApiError(
                "this instance has the ingress role only; /api is served by the normalizer and replier instances"));
    }
}
