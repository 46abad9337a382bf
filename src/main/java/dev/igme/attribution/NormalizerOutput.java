package dev.igme.attribution;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.platform.Json;
import dev.igme.platform.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The normalizer's two outputs: attribution events on {@code instagram.attributions} and dead
 * letters on {@code instagram.webhook.raw.dlq}. Every returned {@link Uni} completes only once the
 * broker acknowledged all records, so offsets are committed after the events are durable.
 */
@ApplicationScoped
public class NormalizerOutput {

    public static final String ATTRIBUTIONS_CHANNEL = "attributions-out";
    public static final String ATTRIBUTIONS_TOPIC = "instagram.attributions";
    public static final String DEAD_LETTERS_CHANNEL = "dead-letters-out";
    public static final String DEAD_LETTERS_TOPIC = "instagram.webhook.raw.dlq";
    /** At most this many records of one batch in flight at once (under the sink's in-flight limit). */
    private static final int CONCURRENCY = 256;

    /** Dead-letter headers, in addition to the raw record's own. */
    public static final class Headers {
        /** Why the delivery or item could not be used. */
        public static final String REASON = "igme-dlq-reason";
        /** {@code delivery} for a whole delivery, else the item's JSON path in it (entry[0].messaging[3]). */
        public static final String PATH = "igme-dlq-path";
        /** topic/partition/offset of the raw record. */
        public static final String ORIGIN = "igme-dlq-origin";

        private Headers() {
        }
    }

    /** A record for the dead-letter topic. */
    public record DeadLetter(String key, byte[] value, Iterable<Header> originalHeaders, String reason, String path,
            String origin) {
    }

    private final MutinyEmitter<String> attributions;
    private final MutinyEmitter<byte[]> deadLetters;
    private final ObjectMapper mapper;
    private final Tracing tracing;

    public NormalizerOutput(@Channel(ATTRIBUTIONS_CHANNEL) MutinyEmitter<String> attributions,
            @Channel(DEAD_LETTERS_CHANNEL) MutinyEmitter<byte[]> deadLetters, ObjectMapper mapper, Tracing tracing) {
        this.attributions = attributions;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.tracing = tracing;
    }

    public Uni<Void> publish(List<AttributionEvent> events, List<DeadLetter> letters) {
        return publish(events, letters, Map.of());
    }

    /**
     * @param traces the trace of each delivery (by delivery id) whose events these are: each event is
     *        sent in a span of its delivery's trace, whose context travels in the record's headers;
     *        empty when tracing is off
     */
    public Uni<Void> publish(List<AttributionEvent> events, List<DeadLetter> letters, Map<String, Context> traces) {
        Multi<Uni<Void>> sends = Multi.createBy().concatenating().streams(
                Multi.createFrom().iterable(events).map(event -> send(event, traces.get(event.deliveryId()))),
                Multi.createFrom().iterable(letters).map(this::send));
        return sends.onItem().transformToUni(send -> send).merge(CONCURRENCY).collect().last().replaceWithVoid();
    }

    /** @param trace the delivery's trace, or null (tracing off, or an event without one) */
    private Uni<Void> send(AttributionEvent event, Context trace) {
        return Uni.createFrom().deferred(() -> {
            if (trace == null || !tracing.enabled()) {
                OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.key()).build();
                return attributions.sendMessage(Message.of(json(event)).addMetadata(metadata));
            }
            RecordHeaders headers = new RecordHeaders();
            Span span = tracing.send(ATTRIBUTIONS_TOPIC, trace, headers);
            span.setAttribute("igme.delivery_id", event.deliveryId());
            span.setAttribute("igme.attribution_id", event.attributionId());
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(event.key()).withHeaders(headers).build();
            return attributions.sendMessage(Message.of(json(event)).addMetadata(metadata))
                    .onTermination().invoke((ignored, failure, cancelled) -> Tracing.end(span, failure));
        });
    }

    private Uni<Void> send(DeadLetter letter) {
        return Uni.createFrom().deferred(() -> {
            RecordHeaders headers = new RecordHeaders();
            for (Header header : letter.originalHeaders()) {
                headers.add(header);
            }
            headers.add(Headers.REASON, utf8(letter.reason()));
            headers.add(Headers.PATH, utf8(letter.path()));
            headers.add(Headers.ORIGIN, utf8(letter.origin()));
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(letter.key()).withHeaders(headers).build();
            return deadLetters.sendMessage(Message.of(letter.value()).addMetadata(metadata));
        });
    }

    public String json(AttributionEvent event) {
        return Json.write(mapper, event);
    }

    private static byte[] utf8(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
