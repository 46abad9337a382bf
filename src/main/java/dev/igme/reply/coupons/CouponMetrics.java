package dev.igme.reply.coupons;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * {@code igme.coupons.issued} (counter) and {@code igme.coupons.left} (gauge), per pool, and the
 * warning for a pool below its {@code lowThreshold}. The free codes are counted every
 * {@code igme.coupons.check-interval} (and after uploads); in between, the gauge goes down with
 * the codes this instance issues. The warning is logged once per crossing, by whichever instance
 * first sees it (a mark on the pool row), and again only after the pool was refilled above it.
 */
@ApplicationScoped
public class CouponMetrics {

    private record Left(AtomicLong value, Gauge gauge) {
    }

    private final CouponStore store;
    private final boolean replier;
    private final Duration interval;
    private final Map<String, Left> left = new ConcurrentHashMap<>();

    public CouponMetrics(CouponStore store, Roles roles, IgmeConfig config) {
        this.store = store;
        this.replier = roles.has(Role.REPLIER);
        this.interval = config.coupons().checkInterval();
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            Jobs.every(scheduler, "Coupon pool levels", interval, Duration.ofSeconds(1), this::check);
        }
    }

    /** Codes of these pools went to conversations (counted after the transaction committed). */
    public void issued(Map<String, Integer> byPool) {
        byPool.forEach((pool, n) -> {
            Metrics.counter("igme.coupons.issued", "pool", pool).increment(n);
            Left gauge = left.get(pool);
            if (gauge != null) {
                gauge.value().addAndGet(-n);
            }
        });
    }

    /** Counts every pool's free codes: the gauges, and the warning for pools that fell below their threshold. */
    Uni<Void> check() {
        return store.levels().chain(levels -> {
            Set<String> names = new HashSet<>();
            for (CouponStore.Level level : levels) {
                names.add(level.name());
                left.computeIfAbsent(level.name(), this::gauge).value().set(level.left());
            }
            left.keySet().removeIf(name -> {
                if (names.contains(name)) {
                    return false;
                }
                Metrics.globalRegistry.remove(left.get(name).gauge());
                return true;
            });
            List<CouponStore.Level> low = levels.stream()
                    .filter(l -> !l.markedLow() && l.left() < l.lowThreshold()).toList();
            List<Long> refilled = levels.stream()
                    .filter(l -> l.markedLow() && l.left() >= l.lowThreshold()).map(CouponStore.Level::id).toList();
            Uni<Void> warn = low.isEmpty() ? Uni.createFrom().voidItem()
                    : store.markLow(low.stream().map(CouponStore.Level::id).toList()).invoke(marked -> low.stream()
                            .filter(l -> marked.contains(l.id()))
                            .forEach(l -> Log.warnf("Coupon pool '%s' is below its low threshold: %d code(s) left, threshold %d;"
                                    + " upload more with POST /api/v1/coupon-pools/%d/codes (replies that find it empty are"
                                    + " SKIPPED_NO_COUPON)", l.name(), l.left(), l.lowThreshold(), l.id())))
                            .replaceWithVoid();
            return warn.chain(() -> refilled.isEmpty() ? Uni.createFrom().voidItem() : store.clearLow(refilled));
        });
    }

    private Left gauge(String pool) {
        AtomicLong value = new AtomicLong();
        return new Left(value, Gauge.builder("igme.coupons.left", value, AtomicLong::get).tag("pool", pool)
                .description("Free codes of the coupon pool").register(Metrics.globalRegistry));
    }
}
