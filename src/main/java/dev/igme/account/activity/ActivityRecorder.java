package dev.igme.account.activity;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.attribution.AccountTraffic;
import dev.igme.config.IgmeConfig;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * On the normalizer: keeps, per configured account, the latest delivery and referral the batches
 * carried (a map update per batch, in memory) and writes them every
 * {@code igme.doctor.activity-interval} (one small upsert per account that got traffic), so the
 * normalizer's own transaction stays as it was. A crash loses at most one interval of clock
 * movement, which the next deliveries restore.
 */
@ApplicationScoped
public class ActivityRecorder {

    private final ActivityStore store;
    private final Set<String> accounts;
    private final boolean normalizer;
    private final Duration interval;
    private final Map<String, Instant> lastDelivery = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReferral = new ConcurrentHashMap<>();

    public ActivityRecorder(ActivityStore store, IgmeConfig config, Roles roles) {
        this.store = store;
        this.accounts = Set.copyOf(config.accounts().keySet());
        this.normalizer = roles.has(Role.NORMALIZER);
        this.interval = config.doctor().activityInterval();
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (normalizer) {
            Jobs.every(scheduler, "Account activity", interval, interval, this::flush);
        }
    }

    /** Called on the normalizer's thread after each batch: only map updates. */
    void onTraffic(@Observes AccountTraffic traffic) {
        merge(traffic.lastDelivery(), lastDelivery);
        merge(traffic.lastReferral(), lastReferral);
    }

    private void merge(Map<String, Instant> seen, Map<String, Instant> into) {
        seen.forEach((account, at) -> {
            if (accounts.contains(account)) {
                into.merge(account, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
    }

    Uni<Void> flush() {
        Map<String, Instant> deliveries = drain(lastDelivery);
        Map<String, Instant> referrals = drain(lastReferral);
        return store.record(deliveries, referrals).onFailure().invoke(() -> {
            // put them back for the next round (merged with anything newer)
            merge(deliveries, lastDelivery);
            merge(referrals, lastReferral);
        });
    }

    private static Map<String, Instant> drain(Map<String, Instant> map) {
        Map<String, Instant> copy = new java.util.HashMap<>();
        for (String key : Set.copyOf(map.keySet())) {
            Instant value = map.remove(key);
            if (value != null) {
                copy.put(key, value);
            }
        }
        return copy;
    }
}
