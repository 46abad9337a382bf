package dev.igme.stats;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /api/v1/stats/funnel}: the range as understood, and one row per group. */
public record FunnelReport(Instant from, Instant to, String tz, String groupBy, List<FunnelRow> rows) {
}
