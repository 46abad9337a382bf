package dev.igme.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writing this service's own values as JSON, which cannot fail for them. */
public final class Json {

    private Json() {
    }

    /** @throws IllegalStateException if the value is not serialisable: a bug, not bad input */
    public static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(value.getClass().getSimpleName() + " is not serialisable", e);
        }
    }
}
