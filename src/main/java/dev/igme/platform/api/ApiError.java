package dev.igme.platform.api;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every 4xx answer of {@code /api/**}: what was wrong, in words, and which field when
 * one is to blame; nothing internal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {

    public ApiError(String error) {
        this(error, null);
    }

    public static BadRequestException badRequest(String message) {
        return new BadRequestException(response(Response.Status.BAD_REQUEST, new ApiError(message)));
    }

    /** A 400 that names the parameter or field to fix. */
    public static BadRequestException badRequest(String message, String field) {
        return new BadRequestException(response(Response.Status.BAD_REQUEST, new ApiError(message, field)));
    }

    public static NotFoundException notFound(String message) {
        return new NotFoundException(response(Response.Status.NOT_FOUND, new ApiError(message)));
    }

    public static Response response(Response.Status status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
