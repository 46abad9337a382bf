package dev.igme.link.directory;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import dev.igme.link.LinkSettings;
import dev.igme.link.LinkStore;
import dev.igme.link.StoredLink;
import dev.igme.platform.Jobs;
import dev.igme.platform.Json;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes links to {@code instagram.links} (compacted), which the redirect on the ingress pods
 * reads into memory: on every change, and every link again at start and every
 * {@code igme.links.republish-interval}, so that the directory converges even when a publish after a
 * change was lost. PostgreSQL stays the source of truth; the topic is its projection.
 */
@ApplicationScoped
public class LinkPublisher {

    public static final String CHANNEL = "links-out";
    public static final String TOPIC = "instagram.links";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutinyEmitter<String> emitter;
    private final LinkSettings settings;
    private final ObjectMapper mapper;
    private final LinkStore store;
    private final IgmeConfig config;
    private final boolean replier;

    public LinkPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter, LinkSettings settings, ObjectMapper mapper,
            LinkStore store, IgmeConfig config, Roles roles) {
        this.emitter = emitter;
        this.settings = settings;
        this.mapper = mapper;
        this.store = store;
        this.config = config;
        this.replier = roles.has(Role.REPLIER);
    }

    /** Where links are managed (the API, on the replier role): every link at start, then periodically. */
    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            Jobs.every(scheduler, "Link directory republish", config.links().republishInterval(), Duration.ofSeconds(3),
                    () -> store.allLinks().chain(this::publishAll));
        }
    }

    /**
     * Publishes the links and waits for the broker (at most a few seconds): a change is visible to
     * the redirect when the API answers. A failure is logged and counted, not thrown: the database
     * has the change, and the next republish carries it.
     */
    public Uni<Void> publishAll(List<StoredLink> links) {
        return Multi.createFrom().iterable(links)
                .onItem().transformToUni(this::publish).merge(16)
                .collect().last().replaceWithVoid()
                .ifNoItem().after(WAIT).fail()
                .onFailure().recoverWithItem(failure -> {
                    Metrics.counter("igme.links.publish.failures").increment();
                    Log.warnf("Could not publish %d link(s) to %s (the next republish will): %s", links.size(), TOPIC,
                            failure.toString());
                    return null;
                });
    }

    private Uni<Void> publish(StoredLink link) {
        LinkSnapshot snapshot = LinkSnapshot.of(link, settings.username(link.igAccountId()).orElse(null));
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(Json.write(mapper, snapshot))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(link.id()).build())));
    }
}
