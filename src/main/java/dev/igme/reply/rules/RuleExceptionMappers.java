package dev.igme.reply.rules;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.igme.platform.api.ApiError;

/** A rule the API refuses: 400 naming the field, 409 for a name in use. */
public class RuleExceptionMappers {

    @ServerExceptionMapper
    public Response invalidRule(RuleValidator.InvalidRule e) {
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response nameTaken(ReplyRules.NameTaken e) {
        return ApiError.response(Response.Status.CONFLICT, new ApiError(e.getMessage(), "name"));
    }
}
