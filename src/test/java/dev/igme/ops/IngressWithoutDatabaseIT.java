package dev.igme.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.igme.platform.Role;
import dev.igme.testing.Deliveries;
import dev.igme.testing.FreePort;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.ServiceProcess;
import dev.igme.testing.TopicReader;
import dev.igme.webhook.RawDelivery;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;

/**
 * The README's promise, tried as a new user would: the packaged service with {@code igme.roles=ingress},
 * the webhook secrets and a broker, and no datasource property at all, starts, becomes ready and
 * stores a signed delivery on the raw topic.
 */
class IngressWithoutDatabaseIT {

    private static final String SECRET = "it-ingress-secret";

    @Test
    void anIngressOnlyInstanceStartsWithoutADatasourceAndStoresDeliveries() throws Exception {
        Path log = Path.of("target", "ingress-without-database-it.log");
        Files.deleteIfExists(log);
        try (KafkaBroker kafka = KafkaBroker.onFreePorts().start()) {
            kafka.createTopics(InfrastructureResource.TOPICS);
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.http.port", String.valueOf(FreePort.any()));
            config.put(Role.PROPERTY, "ingress");
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            config.put("igme.webhook.verify-token", "it-verify-token");
            config.put("igme.webhook.app-secrets", SECRET);
            assertTrue(config.keySet().stream().noneMatch(key -> key.contains("datasource")));

            try (ServiceProcess service = new ServiceProcess(ServiceProcess.packagedJar(), config, log).start("-Xmx128m")) {
                byte[] body = Deliveries.existingThreadReferral(Deliveries.newUser(), System.currentTimeMillis(), "no-db");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(service.baseUrl() + WebhookRoute.PATH))
                        .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertEquals(200, answer.statusCode(), answer.body());
                String deliveryId = answer.headers().firstValue(WebhookRoute.DELIVERY_ID_HEADER).orElse(null);
                assertNotNull(deliveryId, "a stored delivery is answered with its id");
                ConsumerRecord<String, byte[]> stored = TopicReader.await(kafka.bootstrapServers(),
                        RawDeliveryPublisher.TOPIC,
                        r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)),
                        Duration.ofSeconds(30));
                assertArrayEquals(body, stored.value(), "the body is on the raw topic as received");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("use no database: no migration"), "the instance said it uses no database");
        }
    }
}
