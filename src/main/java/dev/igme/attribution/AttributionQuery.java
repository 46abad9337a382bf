package dev.igme.attribution;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Filters and paging of {@code GET /api/v1/attributions}. Results are newest first by the item's
 * time; the cursor is the (occurredAt, attributionId) of the last result, opaque to clients.
 */
public record AttributionQuery(String account, String ref, String refPrefix, Scenario scenario, Instant from,
        Instant to, int limit, Cursor after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** A position in the newest-first order. */
    public record Cursor(Instant occurredAt, String attributionId) {

        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((occurredAt + "|" + attributionId).getBytes(StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this service issued */
        public static Cursor decode(String text) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int bar = decoded.indexOf('|');
                return new Cursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
            } catch (IllegalArgumentException | DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("cursor is not valid");
            }
        }
    }
}
