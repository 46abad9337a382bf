package dev.igme.reply.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.igme.attribution.NormalizerOutput;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Records on {@code instagram.attributions} the replier cannot read (not JSON, not an attribution
 * event, another schema version) go, unchanged, to {@code instagram.attributions.dlq} with the
 * reason in the {@code igme-dlq-reason} header (the same header as the raw topic's dead letters),
 * and are counted in {@code igme_replier_dead_letters_total}. Its own topic: the raw topic's
 * dead letters are re-driven onto the raw topic, these are not deliveries.
 */
@ApplicationScoped
public class ReplierDeadLetters {

    public static final String CHANNEL = "attribution-dead-letters-out";
    public static final String TOPIC = "instagram.attributions.dlq";

    /** A record as read, and why it was not used. */
    public record Letter(String value, String reason) {
    }

    private final MutinyEmitter<String> emitter;

    public ReplierDeadLetters(@Channel(CHANNEL) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker acknowledged every letter: the batch's offsets may then move past them. */
    public Uni<Void> send(List<Letter> letters) {
        return Multi.createFrom().iterable(letters).onItem().transformToUni(this::send).merge(16).collect().last()
                .invoke(() -> {
                    Metrics.counter("igme.replier.dead.letters").increment(letters.size());
                    letters.forEach(l -> Log.errorf("A record on instagram.attributions was dead-lettered to %s: %s",
                            TOPIC, l.reason()));
                })
                .replaceWithVoid();
    }

    private Uni<Void> send(Letter letter) {
        return Uni.createFrom().deferred(() -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(NormalizerOutput.Headers.REASON, letter.reason().getBytes(StandardCharsets.UTF_8));
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withHeaders(headers).build();
            return emitter.sendMessage(Message.of(letter.value() == null ? "" : letter.value()).addMetadata(metadata));
        });
    }
}
