package dev.igme.stats;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

import dev.igme.link.Channel;
import dev.igme.platform.api.ApiError;

/**
 * The stats endpoints' query parameters, read into a range and filters; each bad value is a 400
 * that names its parameter. {@code from} and {@code to} are ISO-8601 instants or dates; a date
 * {@code from} is the start of that day in {@code tz}, a date {@code to} the end of that day
 * (the day is included). Instants: {@code from} inclusive, {@code to} exclusive.
 */
final class StatsParams {

    /** A resolved range and zone. */
    record Range(Instant from, Instant to, ZoneId zone) {
    }

    static final ZoneId UTC = ZoneId.of("UTC");

    private StatsParams() {
    }

    static ZoneId zone(String tz) {
        if (tz == null || tz.isBlank()) {
            return UTC;
        }
        try {
            return ZoneId.of(tz.strip());
        } catch (DateTimeException e) {
            throw ApiError.badRequest("tz must be an IANA time zone such as Europe/Berlin or UTC", "tz");
        }
    }

    /** A required calendar day ({@code 2026-03-01}). */
    static LocalDate day(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ApiError.badRequest(name + " is required: a date such as 2026-03-01", name);
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(name + " must be a date such as 2026-03-01", name);
        }
    }

    static Range range(String from, String to, String tz, Instant now, Duration defaultRange, Duration maxRange) {
        ZoneId zone = zone(tz);
        Instant end = to == null || to.isBlank() ? now : bound("to", to.strip(), zone, true);
        Instant start = from == null || from.isBlank() ? end.minus(defaultRange) : bound("from", from.strip(), zone, false);
        if (!start.isBefore(end)) {
            throw ApiError.badRequest("from must be before to", "from");
        }
        if (Duration.between(start, end).compareTo(maxRange) > 0) {
            throw ApiError.badRequest("the range from..to is longer than " + maxRange.toDays() + " days", "to");
        }
        return new Range(start, end, zone);
    }

    private static Instant bound(String name, String value, ZoneId zone, boolean endOfDay) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            } catch (DateTimeParseException notDate) {
                throw ApiError.badRequest(name + " must be an ISO-8601 instant (2026-01-01T00:00:00Z) or date (2026-01-01)",
                        name);
            }
        }
    }

    static GroupBy groupBy(String value) {
        if (value == null || value.isBlank()) {
            return GroupBy.CAMPAIGN;
        }
        try {
            return GroupBy.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("groupBy must be one of "
                    + Arrays.stream(GroupBy.values()).map(GroupBy::param).toList(), "groupBy");
        }
    }

    /** A channel filter in lower case, as in JSON. */
    static String channel(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Channel.of(value).json();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "channel");
        }
    }

    /** True for CSV: {@code format=csv}, or no {@code format} and an Accept header that prefers text/csv. */
    static boolean csv(String format, java.util.List<jakarta.ws.rs.core.MediaType> accepted) {
        if (format != null && !format.isBlank()) {
            return switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiError.badRequest("format must be json or csv", "format");
            };
        }
        for (jakarta.ws.rs.core.MediaType type : accepted) {
            if (type.isCompatible(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if (!type.isWildcardType() && type.getType().equals("text") && type.getSubtype().equals("csv")) {
                return true;
            }
        }
        return false;
    }
}
