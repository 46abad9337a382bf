package dev.igme.stats.rollup;

import static java.time.temporal.ChronoUnit.DAYS;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/**
 * How a range splits between the daily rollups and the raw rows: the whole days of {@code zone}
 * inside {@code from..to} that are rolled up ({@code dayFrom <= day < dayTo}) come from the
 * rollups; what lies before the first of them ({@code from..interiorFrom}) and after the last
 * ({@code interiorTo..to}: a partial last day, today, days not rolled up yet) from the raw rows.
 * The calendar months {@code monthFrom <= day < monthTo} (none when equal) may be read from the
 * month rollups instead of their days: the whole months among those days, and a partial first or
 * last month when its month row less the days outside the range ({@code monthFrom <= day <
 * dayFrom}, {@code dayTo <= day < monthTo}) is fewer rows to read than its days inside. A month
 * row is the sum of its day rows (both are written in one transaction), so the difference is exact.
 */
public record RollupPlan(ZoneId zone, LocalDate dayFrom, LocalDate dayTo, Instant from, Instant interiorFrom,
        Instant interiorTo, Instant to, LocalDate monthFrom, LocalDate monthTo) {

    /**
     * The split of {@code from..to}, or empty when not one whole rolled-up day lies inside it (then
     * the raw rows answer alone, as they did before rollups).
     *
     * @param rolledUntil every day of {@code zone} before it is rolled up; null when none is
     */
    public static Optional<RollupPlan> of(Instant from, Instant to, ZoneId zone, LocalDate rolledUntil) {
        if (rolledUntil == null) {
            return Optional.empty();
        }
        LocalDate first = LocalDate.ofInstant(from, zone);
        if (first.atStartOfDay(zone).toInstant().isBefore(from)) {
            first = first.plusDays(1);
        }
        LocalDate end = LocalDate.ofInstant(to, zone); // days before it end at or before `to`
        if (rolledUntil.isBefore(end)) {
            end = rolledUntil;
        }
        if (!first.isBefore(end)) {
            return Optional.empty();
        }
        LocalDate monthFrom = first.getDayOfMonth() == 1 ? first : first.withDayOfMonth(1).plusMonths(1);
        LocalDate monthTo = end.withDayOfMonth(1);
        // a partial first month that ends inside the range, read as its month less the days before
        // the range when those are fewer (its days are all rolled up: the month ends before `end`)
        LocalDate lead = first.withDayOfMonth(1);
        if (lead.isBefore(first) && !lead.plusMonths(1).isAfter(end)
                && DAYS.between(lead, first) < DAYS.between(first, lead.plusMonths(1))) {
            monthFrom = lead;
        }
        // a partial last month likewise, as its month less the days after the range, if all rolled up
        if (monthTo.isBefore(end) && !monthTo.isBefore(first) && !monthTo.plusMonths(1).isAfter(rolledUntil)
                && DAYS.between(end, monthTo.plusMonths(1)) < DAYS.between(monthTo, end)) {
            monthTo = monthTo.plusMonths(1);
        }
        if (!monthFrom.isBefore(monthTo)) {
            monthFrom = first;
            monthTo = first;
        }
        return Optional.of(new RollupPlan(zone, first, end, from, first.atStartOfDay(zone).toInstant(),
                end.atStartOfDay(zone).toInstant(), to, monthFrom, monthTo));
    }

    /** The first of the whole calendar months inside the days (those read as months, less a partial first one). */
    public LocalDate wholeMonthFrom() {
        return monthFrom.isBefore(dayFrom) ? monthFrom.plusMonths(1) : monthFrom;
    }

    /** The end of the whole calendar months inside the days (equal to {@link #wholeMonthFrom()} when none). */
    public LocalDate wholeMonthTo() {
        return monthTo.isAfter(dayTo) ? monthTo.minusMonths(1) : monthTo;
    }
}
