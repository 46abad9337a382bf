package dev.igme.webhook;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a delivery, unchanged, to {@code instagram.webhook.raw}. The returned {@link Uni}
 * completes only when the broker has acknowledged the record (producer {@code acks=all},
 * idempotence on, see application.properties), and fails when it refused or the producer gave up.
 */
@ApplicationScoped
public class RawDeliveryPublisher {

    /** Producing end of the raw topic. */
    public static final String CHANNEL = "webhook-raw-out";
    public static final String TOPIC = "instagram.webhook.raw";

    private final MutinyEmitter<byte[]> emitter;

    public RawDeliveryPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(RawDelivery delivery) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RawDelivery.Headers.DELIVERY_ID, utf8(delivery.deliveryId()));
        headers.add(RawDelivery.Headers.RECEIVED_AT, utf8(delivery.receivedAt().toString()));
        headers.add(RawDelivery.Headers.SIGNATURE, utf8(delivery.signature()));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withHeaders(headers)
                .withTimestamp(delivery.receivedAt())
                .build();
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(delivery.body()).addMetadata(metadata)));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
