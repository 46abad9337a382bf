package dev.igme.reply.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * The outbox's backlog as gauges, measured every {@code igme.reply.backlog-interval} on the
 * replier instances: {@code igme_replies_outbox{status}} (rows not yet final, across all
 * instances) and {@code igme_replies_oldest_pending_age_seconds} (0 when none waits). An alert on
 * either says replies fall behind before customers notice.
 */
@ApplicationScoped
public class OutboxBacklog {

    static final List<ReplyStatus> OPEN = List.of(ReplyStatus.PENDING, ReplyStatus.CLAIMED, ReplyStatus.SENDING);

    private final ReplyOutbox outbox;
    private final Clock clock;
    private final IgmeConfig config;
    private final boolean replier;
    private final Map<ReplyStatus, AtomicLong> rows = new EnumMap<>(ReplyStatus.class);
    private final AtomicLong oldestPendingSeconds = new AtomicLong();

    public OutboxBacklog(ReplyOutbox outbox, Clock clock, IgmeConfig config, Roles roles) {
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
        this.replier = roles.has(Role.REPLIER);
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (!replier) {
            return;
        }
        for (ReplyStatus status : OPEN) {
            AtomicLong value = new AtomicLong();
            rows.put(status, value);
            Gauge.builder("igme.replies.outbox", value, AtomicLong::get).tag("status", status.name())
                    .description("Reply rows not yet final, by status, across all instances")
                    .register(Metrics.globalRegistry);
        }
        Gauge.builder("igme.replies.oldest.pending.age", oldestPendingSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest reply waiting to be sent (0 when none waits)")
                .register(Metrics.globalRegistry);
        Jobs.every(scheduler, "Outbox backlog", config.reply().backlogInterval(), Duration.ofSeconds(1), this::measure);
    }

    Uni<Void> measure() {
        return outbox.backlog(OPEN).invoke(backlog -> {
            rows.forEach((status, value) -> value.set(backlog.counts().getOrDefault(status, 0L)));
            Instant oldest = backlog.oldestPendingCreatedAt();
            oldestPendingSeconds.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toSeconds()));
        }).replaceWithVoid();
    }
}
