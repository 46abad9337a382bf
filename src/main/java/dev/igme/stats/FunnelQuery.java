package dev.igme.stats;

import java.time.Instant;
import java.time.ZoneId;

/**
 * What a funnel covers: items with {@code from <= time < to}, grouped by {@code groupBy} (days
 * counted in {@code zone}), narrowed by the optional filters (null = any).
 *
 * @param campaign a campaign id
 * @param channel  a link channel ({@code packaging}, {@code billboard}, …)
 * @param link     a link id
 * @param account  an Instagram account id (the campaign's)
 */
public record FunnelQuery(Instant from, Instant to, ZoneId zone, GroupBy groupBy, String campaign, String channel,
        String link, String account) {

    public FunnelQuery {
        if (from == null || to == null || zone == null || groupBy == null) {
            throw new IllegalArgumentException("from, to, zone and groupBy are required");
        }
    }
}
