package dev.igme.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.igme.platform.Tracing;
import dev.igme.webhook.RawDelivery;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.SignatureVerifier;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The baseline imports nothing from the service, so this test is what keeps it honest: for the
 * same delivery it writes the record the service's publisher writes (headers, timestamp, key,
 * value), and it accepts and refuses the same signatures as the service's verifier.
 */
class BaselineServerTest {

    private static final String SECRET = "bench-secret";
    private static final byte[] BODY = "{\"object\":\"instagram\",\"entry\":[{\"text\":\"Grüße 👋\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void baselineRecordEqualsWhatTheServicePublishes() {
        String signature = SignatureVerifier.sign(SECRET, BODY);
        Instant receivedAt = Instant.parse("2026-12-06T04:05:06.123456789Z");
        String deliveryId = RawDelivery.newId();
        Message<byte[]> published = publishedByService(new RawDelivery(deliveryId, receivedAt, signature, BODY));
        @SuppressWarnings("unchecked")
        OutgoingKafkaRecordMetadata<String> service = published.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();

        ProducerRecord<String, byte[]> baseline = BaselineServer.record("t", deliveryId, receivedAt, signature, BODY);

        assertEquals(headers(service.getHeaders()), headers(baseline.headers()));
        assertEquals(service.getTimestamp().toEpochMilli(), baseline.timestamp());
        assertNull(service.getKey());
        assertNull(baseline.key());
        assertSame(published.getPayload(), BODY);
        assertArrayEquals(BODY, baseline.value());
    }

    @Test
    void baselineAcceptsAndRefusesWhatTheServiceDoes() {
        BaselineServer baseline = new BaselineServer(SECRET);
        SignatureVerifier service = new SignatureVerifier(List.of(SECRET));
        String good = SignatureVerifier.sign(SECRET, BODY);
        List<String> candidates = Arrays.asList(good, " " + good + " ", "SHA256=" + good.substring(7),
                SignatureVerifier.sign("other", BODY), "", "sha256=", good.substring(7), "sha1=" + good.substring(7),
                good.substring(0, 70), good + "0", good.substring(0, good.length() - 1) + "g");
        for (String header : candidates) {
            assertEquals(service.verify(header, BODY), baseline.verify(List.of(header), BODY), "header " + header);
        }
        // exactly one header, as the service's WebhookIngress demands
        assertEquals(false, baseline.verify(List.of(), BODY));
        assertEquals(false, baseline.verify(List.of(good, good), BODY));
        assertEquals(true, baseline.verify(List.of(good), BODY));
    }

    private static Message<byte[]> publishedByService(RawDelivery delivery) {
        List<Message<? extends byte[]>> sent = new ArrayList<>();
        new RawDeliveryPublisher(new Emitter<byte[]>() {
            @Override
            public CompletionStage<Void> send(byte[] payload) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <M extends Message<? extends byte[]>> void send(M message) {
                sent.add(message);
            }

            @Override
            public void complete() {
            }

            @Override
            public void error(Exception e) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public boolean hasRequests() {
                return true;
            }
        }, new Tracing(OpenTelemetry.noop(), true)).publish(delivery);
        assertEquals(1, sent.size());
        @SuppressWarnings("unchecked")
        Message<byte[]> message = (Message<byte[]>) sent.get(0);
        return message;
    }

    /** Name=value pairs in order, comparable with equals. */
    private static List<String> headers(Iterable<Header> headers) {
        List<String> result = new ArrayList<>();
        for (Header header : headers) {
            result.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return result;
    }
}
