package dev.igme.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/** The ingress Deployment: webhook only, no consumer, ready without PostgreSQL. */
@QuarkusTest
@TestProfile(IngressOnlyRoleTest.Profile.class)
class IngressOnlyRoleTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.roles", "ingress");
        }
    }

    @Inject
    KafkaClientService kafka;

    @Test
    void servesTheWebhookOpensNoConsumerAndIsReadyWithoutTheDatabase() {
        Webhook.postSigned("{\"object\":\"instagram\",\"entry\":[]}".getBytes()).then().statusCode(200);
        assertTrue(kafka.getConsumerChannels().isEmpty(), "consumers: " + kafka.getConsumerChannels());
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'postgresql' }.data.used", equalTo(false));
    }

    @Test
    void doesNotStartHibernateAndSendsApiCallsToTheReplierInstances() {
        assertFalse(hibernateIsActive(), "no persistence unit on an ingress-only instance");
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/attributions").then().statusCode(404)
                .body("error", containsString("served by the replier instances"));
        given().when().get("/api/v1/attributions").then().statusCode(401);
    }

    static boolean hibernateIsActive() {
        try {
            io.quarkus.arc.Arc.container().instance(org.hibernate.reactive.mutiny.Mutiny.SessionFactory.class).get().getMetamodel();
            return true;
        } catch (RuntimeException inactive) {
            return false;
        }
    }
}
