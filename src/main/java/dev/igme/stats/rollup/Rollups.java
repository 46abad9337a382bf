package dev.igme.stats.rollup;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Jobs;
import dev.igme.platform.Roles;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the daily rollups: every {@code igme.stats.rollup-interval} where the API is served, rolls
 * up each zone's days that ended since the last run, and the {@code igme.stats.rollup-lookback}
 * days before them again; the first run back-fills from the first raw row, one day per
 * transaction. {@link #rebuild} re-rolls older days on request.
 */
@ApplicationScoped
public class Rollups {

    /** Always rolled up: the days of the top refs, and of funnels not grouped by day. */
    public static final ZoneId UTC = ZoneId.of("UTC");

    /** What a rebuild did. */
    public record Rebuilt(List<String> zones, LocalDate from, LocalDate to, int days) {
    }

    private final RollupStore store;
    private final Clock clock;
    private final List<ZoneId> zones;
    private final long lookbackDays;
    private final Duration interval;
    private final boolean servesApi;

    @Inject
    public Rollups(RollupStore store, Clock clock, IgmeConfig config, Roles roles) {
        this(store, clock, zones(config.stats().rollupZones()), config.stats().rollupLookback(),
                config.stats().rollupInterval(), roles.servesApi());
    }

    /** Outside the application (the benchmark). */
    public Rollups(RollupStore store, Clock clock, List<ZoneId> zones, Duration lookback, Duration interval,
            boolean servesApi) {
        this.store = store;
        this.clock = clock;
        this.zones = zones;
        this.lookbackDays = Math.max(1, lookback.toDays());
        this.interval = interval;
        this.servesApi = servesApi;
    }

    /** UTC first, then the configured zones, each once. */
    static List<ZoneId> zones(List<String> configured) {
        Set<ZoneId> zones = new LinkedHashSet<>();
        zones.add(UTC);
        for (String id : configured) {
            try {
                zones.add(ZoneId.of(id.strip()));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("igme.stats.rollup-zones has the unknown time zone '" + id + "'", e);
            }
        }
        return List.copyOf(zones);
    }

    public List<ZoneId> zones() {
        return zones;
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (servesApi) {
            Jobs.every(scheduler, "Stats rollups", interval, interval, this::run);
        }
    }

    /** One run over every zone; stops a zone early when another replica is rolling it. */
    public Uni<Void> run() {
        return Multi.createFrom().iterable(zones).onItem().transformToUniAndConcatenate(this::run)
                .collect().last().replaceWithVoid();
    }

    private Uni<Integer> run(ZoneId zone) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        return store.rolledUntil(zone)
                .chain(until -> until != null ? Uni.createFrom().item(until.minusDays(lookbackDays))
                        : store.firstDay(zone))
                .chain(first -> {
                    if (first == null || !first.isBefore(today)) {
                        return Uni.createFrom().item(0);
                    }
                    long started = System.nanoTime();
                    return Multi.createFrom().iterable(first.datesUntil(today).toList())
                            .onItem().transformToUniAndConcatenate(day -> store.rollDay(zone, day, true, false))
                            .select().first(rolled -> rolled)
                            .collect().asList()
                            .map(List::size)
                            .invoke(days -> Log.debugf("Stats rollups: %d days of %s from %s rolled up in %d ms", days,
                                    zone, first, (System.nanoTime() - started) / 1_000_000));
                });
    }

    /**
     * Rolls up the days {@code from <= day < to} again in every zone (days not ended yet are left
     * out: the raw rows answer for them), waiting for another replica's run where needed. For
     * changes to days older than the lookback (a replay of old deliveries, a correction).
     */
    public Uni<Rebuilt> rebuild(LocalDate from, LocalDate to) {
        List<Uni<Integer>> perZone = new ArrayList<>();
        for (ZoneId zone : zones) {
            LocalDate today = LocalDate.now(clock.withZone(zone));
            LocalDate end = to.isAfter(today) ? today : to;
            perZone.add(from.isBefore(end)
                    ? Multi.createFrom().iterable(from.datesUntil(end).toList())
                            .onItem().transformToUniAndConcatenate(day -> store.rollDay(zone, day, false, true))
                            .collect().asList().map(List::size)
                    : Uni.createFrom().item(0));
        }
        return Multi.createFrom().iterable(perZone).onItem().transformToUniAndConcatenate(u -> u)
                .collect().asList()
                .map(days -> new Rebuilt(zones.stream().map(ZoneId::getId).toList(), from, to,
                        days.stream().mapToInt(Integer::intValue).sum()));
    }
}
