package dev.igme.platform.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Parses the query parameters the read endpoints share; a bad value is a 400 that names it. */
public final class QueryParams {

    private QueryParams() {
    }

    /** An ISO-8601 instant, or null when absent. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z", name);
        }
    }

    /** The page size, checked against 1..max; out of range is a 400 naming {@code limit}. */
    public static int limit(Integer value, int defaultLimit, int max) {
        int size = value == null ? defaultLimit : value;
        if (size < 1 || size > max) {
            throw ApiError.badRequest("limit must be between 1 and " + max, "limit");
        }
        return size;
    }

    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** A free-text filter without its surrounding spaces, or null when absent or blank. */
    public static String text(String value) {
        return blankToNull(value) == null ? null : value.strip();
    }
}
