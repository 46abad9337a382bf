package dev.igme.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.igme.reply.outbox.ReplyProcessor;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/** The replier Deployment: consumes the attribution topic only, serves the API and no webhook. */
@QuarkusTest
@TestProfile(ReplierOnlyRoleTest.Profile.class)
class ReplierOnlyRoleTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.roles", "replier");
        }
    }

    @Inject
    KafkaClientService kafka;

    @Test
    void consumesOnlyTheAttributionTopicServesTheApiAndNoWebhook() {
        assertEquals(Set.of(ReplyProcessor.CHANNEL), kafka.getConsumerChannels());
        Webhook.postSigned("{\"object\":\"instagram\",\"entry\":[]}".getBytes()).then().statusCode(404);
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", Webhook.VERIFY_TOKEN)
                .queryParam("hub.challenge", "1").when().get(Webhook.PATH).then().statusCode(404);
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/attributions").then().statusCode(200);
    }
}
