package dev.igme.link;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.link.qr.QrOptions;
import dev.igme.platform.api.ApiError;

/** A campaign or link the API refuses: 400 naming the field, 409 for an id in use. */
public class LinkExceptionMappers {

    @ServerExceptionMapper
    public Response invalid(LinkInvalid e) {
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response invalidQr(QrOptions.Invalid e) {
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response conflict(LinkService.Conflict e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage(), e.field()));
    }
}
