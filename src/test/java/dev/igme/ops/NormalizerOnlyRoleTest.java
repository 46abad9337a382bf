package dev.igme.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.igme.attribution.NormalizerConsumer;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.click.ClickConsumer;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.Tokens;
import dev.igme.testing.TopicReader;
import dev.igme.testing.TopicWriter;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDeliveryPublisher;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The normalizer Deployment: consumes the raw topic into PostgreSQL and the attribution topic
 * through the reactive client alone; no Hibernate, no webhook, no API.
 */
@QuarkusTest
@TestProfile(NormalizerOnlyRoleTest.Profile.class)
class NormalizerOnlyRoleTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.roles", "normalizer");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    KafkaClientService kafka;

    @Inject
    Pool pool;

    @Test
    void normalizesTheRawTopicWithoutHibernate() {
        assertEquals(Set.of(NormalizerConsumer.CHANNEL, ClickConsumer.CHANNEL), kafka.getConsumerChannels());
        assertFalse(IngressOnlyRoleTest.hibernateIsActive(), "no persistence unit on a normalizer-only instance");
        String user = Deliveries.newUser();
        String ref = "normalizer-only-" + user;
        TopicWriter.rawDelivery(bootstrap, RawDeliveryPublisher.TOPIC,
                Deliveries.existingThreadReferral(user, System.currentTimeMillis(), ref));

        await().atMost(Duration.ofSeconds(20)).until(() -> Db.rows(pool, "SELECT 1 FROM attribution WHERE ref = $1", ref).size() == 1);
        TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"ref\":\"" + ref + "\""), Duration.ofSeconds(20));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'postgresql' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'postgresql' }.data", equalTo(null));
    }

    @Test
    void servesNeitherTheWebhookNorTheApi() {
        Webhook.postSigned("{\"object\":\"instagram\",\"entry\":[]}".getBytes()).then().statusCode(404);
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/attributions").then().statusCode(404)
                .body("error", containsString("served by the replier instances"));
    }
}
