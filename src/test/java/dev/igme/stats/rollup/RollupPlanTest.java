package dev.igme.stats.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class RollupPlanTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void wholeRolledUpDaysInsideTheRangeComeFromTheRollupsTheEdgesFromRawRows() {
        RollupPlan plan = RollupPlan.of(Instant.parse("2026-03-01T05:00:00Z"), Instant.parse("2026-03-10T12:00:00Z"),
                UTC, LocalDate.parse("2026-04-01")).orElseThrow();
        assertEquals(LocalDate.parse("2026-03-02"), plan.dayFrom());
        assertEquals(LocalDate.parse("2026-03-10"), plan.dayTo());
        assertEquals(Instant.parse("2026-03-02T00:00:00Z"), plan.interiorFrom());
        assertEquals(Instant.parse("2026-03-10T00:00:00Z"), plan.interiorTo());
        assertEquals(plan.monthFrom(), plan.monthTo(), "no whole month");
    }

    @Test
    void wholeMonthsAmongTheDaysCanBeReadAsMonths() {
        RollupPlan plan = RollupPlan.of(Instant.parse("2026-01-25T05:00:00Z"), Instant.parse("2026-05-02T12:00:00Z"),
                UTC, LocalDate.parse("2026-06-01")).orElseThrow();
        assertEquals(LocalDate.parse("2026-02-01"), plan.monthFrom());
        assertEquals(LocalDate.parse("2026-05-01"), plan.monthTo());
        RollupPlan aligned = RollupPlan.of(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                UTC, LocalDate.parse("2026-01-02")).orElseThrow();
        assertEquals(LocalDate.parse("2025-01-01"), aligned.monthFrom());
        assertEquals(LocalDate.parse("2026-01-01"), aligned.monthTo());
        // months not wholly rolled up are read as days
        RollupPlan partly = RollupPlan.of(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                UTC, LocalDate.parse("2025-03-20")).orElseThrow();
        assertEquals(LocalDate.parse("2025-03-01"), partly.monthTo());
    }

    @Test
    void aPartialMonthMostlyInsideTheRangeIsReadAsItsMonthLessTheDaysOutside() {
        // 2 January to 30 December: January less 1 January, December less 31 December
        RollupPlan plan = RollupPlan.of(Instant.parse("2025-01-01T12:00:00Z"), Instant.parse("2025-12-30T12:00:00Z"),
                UTC, LocalDate.parse("2026-01-02")).orElseThrow();
        assertEquals(LocalDate.parse("2025-01-02"), plan.dayFrom());
        assertEquals(LocalDate.parse("2025-12-30"), plan.dayTo());
        assertEquals(LocalDate.parse("2025-01-01"), plan.monthFrom());
        assertEquals(LocalDate.parse("2026-01-01"), plan.monthTo());
        // what cannot be taken off a month (the top refs' first and last times) reads the whole months only
        assertEquals(LocalDate.parse("2025-02-01"), plan.wholeMonthFrom());
        assertEquals(LocalDate.parse("2025-12-01"), plan.wholeMonthTo());
        // December not wholly rolled up yet: its days are read
        RollupPlan recent = RollupPlan.of(Instant.parse("2025-01-01T12:00:00Z"), Instant.parse("2025-12-30T12:00:00Z"),
                UTC, LocalDate.parse("2025-12-31")).orElseThrow();
        assertEquals(LocalDate.parse("2025-12-01"), recent.monthTo());
        // more days outside than inside: the days are read
        RollupPlan late = RollupPlan.of(Instant.parse("2025-01-20T12:00:00Z"), Instant.parse("2025-12-05T12:00:00Z"),
                UTC, LocalDate.parse("2026-01-02")).orElseThrow();
        assertEquals(LocalDate.parse("2025-02-01"), late.monthFrom());
        assertEquals(LocalDate.parse("2025-12-01"), late.monthTo());
        // within one month: no month is read
        RollupPlan inside = RollupPlan.of(Instant.parse("2025-03-02T12:00:00Z"), Instant.parse("2025-03-30T12:00:00Z"),
                UTC, LocalDate.parse("2026-01-02")).orElseThrow();
        assertEquals(inside.monthFrom(), inside.monthTo());
        assertEquals(inside.wholeMonthFrom(), inside.wholeMonthTo());
        // a range from a month's first day to the next month's start: that month, nothing taken off
        RollupPlan march = RollupPlan.of(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z"),
                UTC, LocalDate.parse("2026-01-02")).orElseThrow();
        assertEquals(LocalDate.parse("2025-03-01"), march.monthFrom());
        assertEquals(LocalDate.parse("2025-04-01"), march.monthTo());
        assertEquals(march.monthFrom(), march.wholeMonthFrom());
        assertEquals(march.monthTo(), march.wholeMonthTo());
    }

    @Test
    void daysNotRolledUpYetComeFromRawRows() {
        RollupPlan plan = RollupPlan.of(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-10T00:00:00Z"),
                UTC, LocalDate.parse("2026-03-05")).orElseThrow();
        assertEquals(LocalDate.parse("2026-03-01"), plan.dayFrom());
        assertEquals(LocalDate.parse("2026-03-05"), plan.dayTo());
        assertEquals(Instant.parse("2026-03-05T00:00:00Z"), plan.interiorTo());
        assertTrue(RollupPlan.of(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-10T00:00:00Z"), UTC, null)
                .isEmpty());
        assertTrue(RollupPlan.of(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-10T00:00:00Z"), UTC,
                LocalDate.parse("2026-03-01")).isEmpty());
    }

    @Test
    void aRangeWithoutAWholeDayIsLeftToTheRawRows() {
        assertTrue(RollupPlan.of(Instant.parse("2026-03-01T05:00:00Z"), Instant.parse("2026-03-02T12:00:00Z"), UTC,
                LocalDate.parse("2026-04-01")).isEmpty());
    }

    @Test
    void daysOfAZoneStartAtItsMidnightAcrossDaylightSaving() {
        // Berlin moves to summer time on 29 March 2026: that day has 23 hours
        RollupPlan plan = RollupPlan.of(Instant.parse("2026-03-27T23:00:00Z"), Instant.parse("2026-03-30T10:00:00Z"),
                BERLIN, LocalDate.parse("2026-04-01")).orElseThrow();
        assertEquals(LocalDate.parse("2026-03-28"), plan.dayFrom());
        assertEquals(LocalDate.parse("2026-03-30"), plan.dayTo());
        assertEquals(Instant.parse("2026-03-29T22:00:00Z"), plan.interiorTo());
    }
}
