package dev.igme.platform.api;

import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns unreadable request bodies into {@link ApiError}s that name the field; never echoes
 * exception class names. Features map their own exceptions next to them.
 */
public class ApiExceptionMappers {

    /** Quarkus's JSON reader wraps a parse error in a bare 400; say what it was. Others pass through. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return e.getCause() instanceof JsonProcessingException json ? unreadableJson(json) : e.getResponse();
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
