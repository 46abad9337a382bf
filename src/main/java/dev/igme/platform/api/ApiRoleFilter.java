package dev.igme.platform.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.igme.platform.Roles;

/**
 * {@code /api/**} is served by the instances with the replier role, the only ones that start
 * Hibernate: elsewhere it answers 404 with where to go instead of failing deep inside a query.
 * (The Kubernetes Service {@code igme-api} selects the replier pods.)
 */
public class ApiRoleFilter {

    static final String ELSEWHERE = "this instance does not have the replier role; /api is served by the replier instances";

    private final boolean servesApi;

    public ApiRoleFilter(Roles roles) {
        this.servesApi = roles.servesApi();
    }

    @ServerRequestFilter
    public Response onlyWhereTheReplierRuns(ContainerRequestContext request) {
        if (servesApi || !request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        return ApiError.response(Response.Status.NOT_FOUND, new ApiError(ELSEWHERE));
    }
}
