package dev.igme.stats;

import java.time.Instant;

/** The most frequent refs with {@code from <= occurredAt < to}; filters null = any. */
public record TopRefsQuery(Instant from, Instant to, String account, String campaign, String channel, String link,
        int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 500;
}
