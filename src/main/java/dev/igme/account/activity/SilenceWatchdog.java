package dev.igme.account.activity;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Jobs;
import dev.igme.platform.NewestLoad;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * On the replier (where {@code /api} and the doctor run): reads every account's activity every
 * {@code igme.doctor.activity-interval} and publishes, per account (tag {@code account}), the
 * gauges an alert uses: {@code igme.account.last.delivery.age} and
 * {@code igme.account.last.referral.age} in seconds (NaN before the first), and
 * {@code igme.account.silent}, 1 when the account has had no delivery for longer than its
 * {@code expect-deliveries-within}.
 */
@ApplicationScoped
public class SilenceWatchdog {

    private final ActivityStore store;
    private final Clock clock;
    private final IgmeConfig config;
    private final boolean replier;
    /**
     * The newest read of every account's activity. Reads overlap (the schedule, and the doctor's
     * refresh on demand): the read that started last wins, so an older read that finishes later
     * cannot put an account's older activity back (and a "silent" gauge with it) until the next one.
     */
    private final NewestLoad<Map<String, Activity>> latest = new NewestLoad<>(Map.of());

    public SilenceWatchdog(ActivityStore store, Clock clock, IgmeConfig config, Roles roles) {
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.replier = roles.has(Role.REPLIER);
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler, MeterRegistry registry) {
        if (!replier) {
            return;
        }
        for (String account : config.accounts().keySet()) {
            Gauge.builder("igme.account.last.delivery.age", () -> activity(account).deliveryAgeSeconds(clock.instant()))
                    .description("Seconds since the account's latest webhook delivery arrived").baseUnit("seconds")
                    .tag("account", account).register(registry);
            Gauge.builder("igme.account.last.referral.age", () -> activity(account).referralAgeSeconds(clock.instant()))
                    .description("Seconds since the account's latest referral arrived").baseUnit("seconds")
                    .tag("account", account).register(registry);
            Gauge.builder("igme.account.silent", () -> silent(account) ? 1 : 0)
                    .description("1 when the account got no delivery for longer than its expect-deliveries-within")
                    .tag("account", account).register(registry);
        }
        Duration interval = config.doctor().activityInterval();
        Jobs.every(scheduler, "Silence watchdog", interval, Duration.ofSeconds(1), this::refresh);
    }

    public Uni<Void> refresh() {
        return Uni.createFrom().deferred(() -> {
            long ticket = latest.begin();
            return store.watch(config.accounts().keySet()).invoke(read -> latest.offer(ticket, read));
        }).replaceWithVoid();
    }

    /** The latest known activity (nothing known yet: watched from now). */
    public Activity activity(String account) {
        return latest.get().getOrDefault(account, Activity.none(null));
    }

    public boolean silent(String account) {
        Duration expect = config.accounts().get(account).expectDeliveriesWithin().orElse(null);
        return activity(account).silent(expect, clock.instant());
    }
}
