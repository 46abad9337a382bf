package dev.igme.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Health;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectKafkaBroker;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDelivery;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** The broker goes away while deliveries keep coming, and comes back. */
@QuarkusTest
class BrokerOutageUnderLoadTest {

    private static final int SENDERS = 4;

    @InjectKafkaBroker
    KafkaBroker broker;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(WebhookRoute.PATH)
    URL webhook;

    @Inject
    Pool pool;

    record Sent(String ref, int status, String deliveryId) {
    }

    @AfterEach
    void brokerBack() {
        broker.start();
        Webhook.awaitStored(); // hand the next test a service that stores again
        // every consumer and producer came through the outage: liveness and readiness are back
        Health.awaitLiveAndReady();
    }

    @Test
    void every200IsOnTheRawTopicAndNormalizedExactlyOnceAndTheOutageGets503s() throws Exception {
        String run = "outage-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.submit(() -> {
                int n = 0;
                while (sending.get()) {
                    String ref = run + sender + "-" + n++;
                    byte[] body = Deliveries.existingThreadReferral(Deliveries.newUser(), 1767225600000L + n, ref);
                    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(webhook.toURI())
                            .header("Content-Type", "application/json")
                            .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign(Webhook.SECRET, body))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                    sent.add(new Sent(ref, response.statusCode(), response.headers().firstValue("X-Igme-Delivery-Id").orElse(null)));
                }
                return null;
            });
        }

        // Phases end on what was answered, not on the clock, so a slow machine only makes them longer.
        await().atMost(Duration.ofSeconds(120)).until(() -> count(sent, 200) >= 25);
        broker.stop();
        long storedBeforeOutage = count(sent, 200);
        await().atMost(Duration.ofSeconds(120)).until(() -> count(sent, 503) >= 8);
        broker.start();
        long storedDuringOutage = count(sent, 200) - storedBeforeOutage;
        await().atMost(Duration.ofSeconds(120)).until(() -> count(sent, 200) >= storedBeforeOutage + storedDuringOutage + 25);
        sending.set(false);
        senders.shutdown();
        assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS));

        Map<Integer, Long> byStatus = sent.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
        System.out.println("Broker outage under load, answers by status: " + byStatus);
        assertEquals(Set.of(200, 503), byStatus.keySet(), "only 200 (stored) and 503 (retry) are answered");
        List<Sent> stored = sent.stream().filter(x -> x.status() == 200).toList();
        assertTrue(byStatus.get(503) >= 8 && stored.size() >= 50, "load before, during and after the outage: " + byStatus);

        Set<String> onTopic = TopicReader.all(bootstrap, RawDeliveryPublisher.TOPIC,
                r -> stored.stream().anyMatch(x -> x.deliveryId().equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID))))
                .stream().map(r -> TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)).collect(Collectors.toSet());
        assertEquals(stored.size(), onTopic.size(), "every delivery answered 200 is on the raw topic");

        await().atMost(Duration.ofSeconds(60)).until(() -> Db.rows(pool,
                "SELECT ref FROM attribution WHERE ref LIKE $1", run + "%").stream()
                .map(row -> (String) row.get("ref")).collect(Collectors.toSet())
                .containsAll(stored.stream().map(Sent::ref).toList()));
        List<Map<String, Object>> duplicates = Db.rows(pool,
                "SELECT ref, count(*) FROM attribution WHERE ref LIKE $1 GROUP BY ref HAVING count(*) > 1", run + "%");
        assertEquals(List.of(), duplicates, "each delivery is normalized exactly once");
    }

    private static long count(ConcurrentLinkedQueue<Sent> sent, int status) {
        return sent.stream().filter(x -> x.status() == status).count();
    }
}
