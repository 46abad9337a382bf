package dev.igme.api;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The body of every 4xx answer of {@code /api/**}: what was wrong, in words, and nothing internal. */
public record ApiError(String error) {

    public static BadRequestException badRequest(String message) {
        return new BadRequestException(response(Response.Status.BAD_REQUEST, message));
    }

    public static NotFoundException notFound(String message) {
        return new NotFoundException(response(Response.Status.NOT_FOUND, message));
    }

    private static Response response(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
