package dev.igme.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One webhook POST as Meta sent it: the exact body bytes, the signature header that proved it,
 * when it arrived and the id this service gave it. This is what lands on
 * {@code instagram.webhook.raw}: the value is {@link #body()}, the rest travels as headers.
 */
public record RawDelivery(String deliveryId, Instant receivedAt, String signature, byte[] body) {

    /** A new delivery id: a random UUID, unique across instances and restarts without coordination. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The headers this delivery travels with on the raw topic ({@link Headers}); no signature header when it has none. */
    public RecordHeaders headers() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.DELIVERY_ID, deliveryId.getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.RECEIVED_AT, receivedAt.toString().getBytes(StandardCharsets.UTF_8));
        if (signature != null) {
            headers.add(Headers.SIGNATURE, signature.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** A header of a raw-topic record as text (the last one of that name), or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Kafka header names of the raw topic (a contract with every consumer of that topic). */
    public static final class Headers {
        public static final String DELIVERY_ID = "igme-delivery-id";
        /** ISO-8601 UTC instant at which the ingress received the POST. */
        public static final String RECEIVED_AT = "igme-received-at";
        /** The {@code X-Hub-Signature-256} value as received. */
        public static final String SIGNATURE = "x-hub-signature-256";

        private Headers() {
        }
    }
}
