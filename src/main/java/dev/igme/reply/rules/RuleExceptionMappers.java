package dev.igme.reply.rules;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.platform.api.ApiError;

/** A rule name in use: 409 (refused fields are {@code InvalidField}s, answered 400 by platform.api). */
public class RuleExceptionMappers {

    @ServerExceptionMapper
    public Response nameTaken(ReplyRules.NameTaken e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage(), "name"));
    }
}
