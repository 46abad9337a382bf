package dev.igme.webhook;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.igme.platform.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a delivery, unchanged, to {@code instagram.webhook.raw}. The returned stage completes
 * only when the broker has acknowledged the record (producer {@code acks=all}, idempotence on, see
 * application.properties), and fails when it refused, the producer gave up, or the channel could
 * not take the record.
 */
@ApplicationScoped
public class RawDeliveryPublisher {

    /** Producing end of the raw topic. */
    public static final String CHANNEL = "webhook-raw-out";
    public static final String TOPIC = "instagram.webhook.raw";

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Emitter<byte[]> emitter;
    private final Tracing tracing;

    public RawDeliveryPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            Emitter<byte[]> emitter, Tracing tracing) {
        this.emitter = emitter;
        this.tracing = tracing;
    }

    public CompletionStage<Void> publish(RawDelivery delivery) {
        RecordHeaders headers = delivery.headers();
        // tracing on: a send span under the webhook POST's span, its context in the record's headers
        Span span = tracing.enabled() ? tracing.send(TOPIC, Context.current(), headers) : null;
        if (span != null) {
            span.setAttribute("igme.delivery_id", delivery.deliveryId());
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withHeaders(headers)
                .withTimestamp(delivery.receivedAt())
                .build();
        // plain callbacks instead of a reactive chain: the connector acks the message when the
        // broker acknowledged the record and nacks it when the producer failed
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<byte[]> message = Message.of(delivery.body(), Metadata.of(metadata),
                () -> {
                    Tracing.end(span, null);
                    acknowledged.complete(null);
                    return DONE;
                },
                failure -> {
                    Tracing.end(span, failure);
                    acknowledged.completeExceptionally(failure);
                    return DONE;
                });
        try {
            emitter.send(message);
        } catch (RuntimeException overflowOrCancelled) {
            Tracing.end(span, overflowOrCancelled);
            acknowledged.completeExceptionally(overflowOrCancelled);
        }
        return acknowledged;
    }

}
