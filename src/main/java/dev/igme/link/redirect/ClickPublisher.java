package dev.igme.link.redirect;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.platform.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Hands clicks to the producer of {@code instagram.link.clicks} and returns at once: a person is
 * waiting for the redirect, which never waits for the broker. A click the broker does not take
 * (outage, full buffer) is counted in {@code igme_link_clicks_lost_total}, never an error.
 */
@ApplicationScoped
public class ClickPublisher {

    public static final String CHANNEL = "link-clicks-out";
    public static final String TOPIC = "instagram.link.clicks";
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final Counter LOST = Metrics.counter("igme.link.clicks.lost");
    private static final Counter PUBLISHED = Metrics.counter("igme.link.clicks.published");

    private final Emitter<String> emitter;
    private final ObjectMapper mapper;

    public ClickPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            Emitter<String> emitter, ObjectMapper mapper) {
        this.emitter = emitter;
        this.mapper = mapper;
    }

    public void publish(ClickEvent click) {
        Message<String> message = Message.of(Json.write(mapper, click),
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(click.linkId()).build()),
                () -> {
                    PUBLISHED.increment();
                    return DONE;
                },
                failure -> {
                    LOST.increment();
                    return DONE;
                });
        try {
            emitter.send(message);
        } catch (RuntimeException overflowOrClosed) {
            LOST.increment();
        }
    }
}
