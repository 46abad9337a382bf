package dev.igme.stats;

import java.util.Locale;

/** What one row of the funnel stands for ({@code groupBy}). */
public enum GroupBy {
    CAMPAIGN, CHANNEL, LINK,
    /** One row per calendar day in the query's time zone. */
    DAY;

    /** The query parameter's spelling: lower case. */
    public String param() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but campaign, channel, link, day (any case) */
    public static GroupBy parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
