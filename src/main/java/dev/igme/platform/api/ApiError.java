package dev.igme.platform.api;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What was wrong with a request to {@code /api/**}, in words, and which field when one is to blame;
 * nothing internal. {@link #response} is the one place that turns it into the answer's body: an
 * RFC 9457 problem ({@code application/problem+json}) that also keeps the members {@code error} and
 * {@code field} clients read before problems were introduced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final MediaType PROBLEM_JSON_TYPE = MediaType.valueOf(PROBLEM_JSON);

    public ApiError(String error) {
        this(error, null);
    }

    /**
     * The body of every error answer under {@code /api}: RFC 9457's members, then the older
     * {@code error} (= {@code detail}) and {@code field}. {@code type} is {@code about:blank}: the
     * status and {@code title} say the kind, {@code detail} and {@code field} the particular case.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({ "type", "title", "status", "detail", "instance", "error", "field" })
    public record Problem(String type, String title, int status, String detail, String instance, String error,
            String field) {

        public static Problem of(int status, ApiError error, String instance) {
            Response.Status known = Response.Status.fromStatusCode(status);
            String title = known != null ? known.getReasonPhrase() : Response.Status.Family.familyOf(status).name();
            return new Problem("about:blank", title, status, error.error(), instance, error.error(), error.field());
        }
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
        return response(status.getStatusCode(), error);
    }

    public static Response response(int status, ApiError error) {
        return builder(status, error).build();
    }

    /** The answer, still open for headers (e.g. {@code WWW-Authenticate}). */
    public static Response.ResponseBuilder builder(int status, ApiError error) {
        return Response.status(status).type(PROBLEM_JSON_TYPE).entity(Problem.of(status, error, currentPath()));
    }

    /** The path of the request being answered ({@code instance}), or null outside of one. */
    static String currentPath() {
        ResteasyReactiveRequestContext request = CurrentRequestManager.get();
        return request == null ? null : request.getPath();
    }
}
