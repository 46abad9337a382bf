package dev.igme.webhook;

import java.time.Instant;

/**
 * One webhook POST as Meta sent it: the exact body bytes, the signature header that proved it,
 * when it arrived and the id this service gave it. This is what lands on
 * {@code instagram.webhook.raw}: the value is {@link #body()}, the rest travels as headers.
 */
public record RawDelivery(String deliveryId, Instant receivedAt, String signature, byte[] body) {

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
