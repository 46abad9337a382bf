package dev.igme.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.BadRequestException;

import org.junit.jupiter.api.Test;

import dev.igme.platform.api.ApiError;

/** The stats parameters and the funnel's arithmetic, without a server. */
class StatsParamsTest {

    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
    private static final Duration DEFAULT = Duration.ofDays(30);
    private static final Duration MAX = Duration.ofDays(400);

    private static StatsParams.Range range(String from, String to, String tz) {
        return StatsParams.range(from, to, tz, NOW, DEFAULT, MAX);
    }

    private static String field(Runnable call) {
        BadRequestException e = assertThrows(BadRequestException.class, call::run);
        return ((ApiError.Problem) e.getResponse().getEntity()).field();
    }

    @Test
    void datesAreWholeDaysInTheZoneAndToIsIncluded() {
        StatsParams.Range berlin = range("2026-03-10", "2026-03-12", "Europe/Berlin");
        assertEquals(Instant.parse("2026-03-09T23:00:00Z"), berlin.from());
        assertEquals(Instant.parse("2026-03-12T23:00:00Z"), berlin.to());
        StatsParams.Range instants = range("2026-03-10T05:00:00Z", "2026-03-10T06:00:00Z", null);
        assertEquals(Instant.parse("2026-03-10T06:00:00Z"), instants.to());
        assertEquals(ZoneId.of("UTC"), instants.zone());
        StatsParams.Range defaults = range(null, null, null);
        assertEquals(NOW, defaults.to());
        assertEquals(NOW.minus(DEFAULT), defaults.from());
    }

    @Test
    void eachBadParameterIsNamed() {
        assertEquals("from", field(() -> range("2026-03-12", "2026-03-10", null)));
        assertEquals("from", field(() -> range("2026-03-10T00:00:00Z", "2026-03-10T00:00:00Z", null)));
        assertEquals("to", field(() -> range("2024-01-01", "2026-01-01", null)));
        assertEquals("to", field(() -> range(null, "soon", null)));
        assertEquals("tz", field(() -> range(null, null, "Mars/Olympus")));
        assertEquals("groupBy", field(() -> StatsParams.groupBy("week")));
        assertEquals("channel", field(() -> StatsParams.channel("radio")));
        assertEquals("format", field(() -> StatsParams.csv("xml", List.of())));
        assertEquals(GroupBy.DAY, StatsParams.groupBy("Day"));
        assertEquals("packaging", StatsParams.channel("PACKAGING"));
    }

    @Test
    void everyDayOfTheRangeIsARowAcrossADaylightSavingChange() {
        // Berlin moves its clocks on 29 March 2026: that day has 23 hours, and is still one row
        StatsParams.Range r = range("2026-03-28", "2026-03-30", "Europe/Berlin");
        FunnelQuery q = new FunnelQuery(r.from(), r.to(), r.zone(), GroupBy.DAY, null, null, null, null);
        assertEquals(List.of(LocalDate.parse("2026-03-28"), LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-30")),
                StatsService.days(q));
        List<FunnelRow> rows = StatsService.rows(q, List.of(), List.of(), List.of());
        assertEquals(3, rows.size());
        assertEquals(0, rows.get(1).clicks());
        assertNull(rows.get(1).conversion());
    }

    @Test
    void repliesAreSplitBySentPendingSkippedAndFailedWithEveryReason() {
        FunnelRow.Replies replies = StatsService.replies(Map.of("SENT", 4L, "PENDING", 1L, "SENDING", 1L,
                "SKIPPED_NO_COUPON", 2L, "FAILED_WINDOW_CLOSED", 3L));
        assertEquals(4, replies.sent());
        assertEquals(2, replies.pending());
        assertEquals(2L, replies.skipped().get("NO_COUPON"));
        assertEquals(0L, replies.skipped().get("COOLDOWN"));
        assertEquals(3L, replies.failed().get("WINDOW_CLOSED"));
        assertEquals(Double.valueOf(0.3333), FunnelMath.conversion(1, 3));
        assertNull(FunnelMath.conversion(0, 0));
    }
}
