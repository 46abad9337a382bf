package dev.igme.account;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.platform.api.ApiError;

/** Ice breakers the API refuses before Meta is called: 400 naming the field. */
public class AccountExceptionMappers {

    @ServerExceptionMapper
    public Response invalidIceBreakers(IceBreakers.Invalid e) {
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(e.getMessage(), e.field()));
    }
}
