package dev.igme.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.config.IgmeConfig;
import dev.igme.webhook.WebhookIngress.Outcome.Status;
import io.vertx.core.Vertx;

/**
 * A stalled broker must not fill the heap: once igme.webhook.max-pending-size (1 MiB here) of
 * bodies wait for acknowledgements, further deliveries are answered NOT_STORED (503) at once and
 * never handed to the producer; as acknowledgements arrive, deliveries are accepted again.
 */
class WebhookIngressPendingTest {

    private static final String SECRET = "s";
    private final Vertx vertx = Vertx.vertx();

    /** Holds every record until the test acknowledges it, like a broker that stopped answering. */
    private static final class StalledBroker extends RawDeliveryPublisher {
        final ConcurrentLinkedQueue<CompletableFuture<Void>> unacknowledged = new ConcurrentLinkedQueue<>();

        StalledBroker() {
            super(null, null);
        }

        @Override
        public CompletionStage<Void> publish(RawDelivery delivery) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            unacknowledged.add(ack);
            return ack;
        }

        void acknowledgeAll() {
            CompletableFuture<Void> ack;
            while ((ack = unacknowledged.poll()) != null) {
                ack.complete(null);
            }
        }
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void beyondTheLimitDeliveriesGet503AtOnceAndAreNotHandedToTheProducer() throws Exception {
        StalledBroker broker = new StalledBroker();
        IgmeConfig.Webhook config = WebhookIngressConfigTest.config(Optional.of("t"), Optional.of(List.of(SECRET)));
        WebhookIngress ingress = new WebhookIngress(config, WebhookCredentials.from(config), broker, vertx, Clock.systemUTC());
        byte[] body = new byte[300 * 1024];
        String signature = SignatureVerifier.sign(SECRET, body);

        List<CompletableFuture<WebhookIngress.Outcome>> waiting = List.of(
                receive(ingress, signature, body), receive(ingress, signature, body), receive(ingress, signature, body));
        WebhookIngress.Outcome fourth = receive(ingress, signature, body).get(100, TimeUnit.MILLISECONDS);

        assertEquals(Status.NOT_STORED, fourth.status(), "1.2 MiB would wait for the broker: refused at once");
        assertEquals(3, broker.unacknowledged.size(), "the refused delivery never reached the producer");
        waiting.forEach(w -> assertFalse(w.isDone(), "the first three still wait for the broker"));

        broker.acknowledgeAll();
        for (CompletableFuture<WebhookIngress.Outcome> w : waiting) {
            assertEquals(Status.STORED, w.get(1, TimeUnit.SECONDS).status());
        }
        CompletableFuture<WebhookIngress.Outcome> again = receive(ingress, signature, body);
        assertEquals(1, broker.unacknowledged.size(), "room again once the broker acknowledged");
        broker.acknowledgeAll();
        assertEquals(Status.STORED, again.get(1, TimeUnit.SECONDS).status());
    }

    private static CompletableFuture<WebhookIngress.Outcome> receive(WebhookIngress ingress, String signature, byte[] body) {
        return ingress.receive(List.of(signature), body).toCompletableFuture();
    }
}
