package dev.igme.link;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.platform.api.ApiError;

/** A campaign or link id in use: 409 naming the field (refused fields are {@code InvalidField}s). */
public class LinkExceptionMappers {

    @ServerExceptionMapper
    public Response conflict(LinkService.Conflict e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage(), e.field()));
    }
}
