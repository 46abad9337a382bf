package dev.igme.platform.api;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns unreadable request bodies into {@link ApiError}s that name the field, refused tokens into
 * 401/403 problems, and Quarkus's bare 404/405/415/... under {@code /api} into problems too; never
 * echoes exception class names. Features map their own exceptions next to them.
 */
public class ApiExceptionMappers {

    static final String NO_TOKEN = "a bearer token is required";
    static final String BAD_TOKEN = "the bearer token is not valid";
    static final String NOT_ALLOWED = "the token's roles do not allow this";

    /**
     * Quarkus's JSON reader wraps a parse error in a bare 400; say what it was. A bodiless answer
     * under {@code /api} (unknown path, method not allowed, unsupported media type) becomes a
     * problem with its headers kept (e.g. {@code Allow}); elsewhere answers pass through untouched.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, ResourceInfo resource) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        if (e instanceof NotFoundException && e.getCause() != null && uri.getPath().startsWith("/api/")) {
            String field = unconvertibleQueryParameter(resource, uri);
            if (field != null) {
                return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(field + " must be a whole number", field));
            }
        }
        Response response = e.getResponse();
        if (response.hasEntity() || response.getStatus() < 400 || !uri.getPath().startsWith("/api/")) {
            return response;
        }
        Response.StatusType status = response.getStatusInfo();
        return Response.fromResponse(response)
                .type(ApiError.PROBLEM_JSON_TYPE)
                .entity(ApiError.Problem.of(status.getStatusCode(), new ApiError(sentence(status)), ApiError.currentPath()))
                .build();
    }

    /**
     * Which numeric query parameter made Quarkus REST give up: it answers a query value it cannot
     * convert with a bare 404 (as JAX-RS prescribes for query and path parameters), which would tell
     * a client that {@code /api/v1/links?limit=ten} does not exist. Null when no query parameter is
     * to blame (a path parameter, whose 404 is right).
     */
    private static String unconvertibleQueryParameter(ResourceInfo resource, UriInfo uri) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return null;
        }
        for (Parameter parameter : method.getParameters()) {
            Class<?> type = parameter.getType();
            boolean isInt = type == Integer.class || type == int.class;
            if (!isInt && type != Long.class && type != long.class) {
                continue; // only whole numbers are blamed, and only they are named so in the answer
            }
            String name = queryName(parameter);
            String value = name == null ? null : uri.getQueryParameters().getFirst(name);
            if (value == null) {
                continue;
            }
            try {
                // as Quarkus REST converts: the value as sent, spaces included
                long number = Long.parseLong(value);
                if (isInt && number != (int) number) {
                    return name;
                }
            } catch (NumberFormatException notNumber) {
                return name;
            }
        }
        return null;
    }

    private static String queryName(Parameter parameter) {
        RestQuery rest = parameter.getAnnotation(RestQuery.class);
        if (rest != null) {
            return rest.value().isEmpty() ? parameter.getName() : rest.value();
        }
        QueryParam query = parameter.getAnnotation(QueryParam.class);
        return query == null ? null : query.value();
    }

    private static String sentence(Response.StatusType status) {
        return switch (status.getStatusCode()) {
            case 404 -> "there is nothing at this path";
            case 405 -> "this path does not answer this method";
            case 406 -> "this path cannot answer in the media type asked for";
            case 415 -> "this path does not accept the request's Content-Type";
            default -> status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Any feature's refused field: 400 naming it. */
    @ServerExceptionMapper
    public Response invalidField(InvalidField e) {
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(e.getMessage(), e.field()));
    }

    /** No token at all: 401 with the challenge. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return challenge(NO_TOKEN);
    }

    /** A token that is malformed, expired, of another issuer or badly signed: 401 with the challenge. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return challenge(BAD_TOKEN);
    }

    /** A valid token without the role the endpoint needs. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiError.response(Response.Status.FORBIDDEN, new ApiError(NOT_ALLOWED));
    }

    private static Response challenge(String why) {
        return ApiError.builder(Response.Status.UNAUTHORIZED.getStatusCode(), new ApiError(why))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    /** Declared for this type too: Quarkus maps it itself otherwise, without saying which field. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String why = e instanceof UnrecognizedPropertyException ? "is not a known field"
                    : e instanceof InvalidFormatException format && format.getTargetType() != null && format.getTargetType().isEnum()
                            ? "must be one of " + Arrays.toString(format.getTargetType().getEnumConstants())
                            : "has the wrong type or value";
            return ApiError.response(Response.Status.BAD_REQUEST, new ApiError(field + " " + why, field));
        }
        return ApiError.response(Response.Status.BAD_REQUEST, new ApiError("the body is not valid JSON"));
    }
}
