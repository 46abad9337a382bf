package dev.igme.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.InjectKafkaBroker;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * An ingress pod while the broker is away stays in the Service: Meta must get this service's own 503
 * with Retry-After (counted as not_stored), not a gateway's bare 503 for a pod taken out of rotation.
 */
@QuarkusTest
@TestProfile(IngressReadinessDuringBrokerOutageTest.Profile.class)
class IngressReadinessDuringBrokerOutageTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.roles", "ingress");
        }
    }

    private static final Pattern NOT_STORED = Pattern.compile(
            "^igme_webhook_deliveries_total\\{[^}]*outcome=\"not_stored\"[^}]*\\} ([0-9.E+]+)$", Pattern.MULTILINE);

    @InjectKafkaBroker
    KafkaBroker broker;

    @AfterEach
    void brokerBack() {
        broker.start();
        Webhook.awaitStored();
    }

    @Test
    void withoutABrokerTheIngressStaysReadyAndAnswersItsOwn503WithRetryAfter() {
        Webhook.postSigned(uniqueBody()).then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
        double notStoredBefore = notStored();

        broker.stop();
        for (int i = 0; i < 3; i++) {
            Response response = Webhook.postSignedOnce(uniqueBody());
            assertEquals(503, response.statusCode(), "nothing is answered 200 that the broker did not acknowledge");
            assertNotNull(response.header("Retry-After"), "the service's own 503 tells Meta when to retry");
            // asked after the producer has failed to reach the broker: an ingress pod stays in the Service
            Response ready = given().when().get("/q/health/ready");
            assertEquals(200, ready.statusCode(), "an ingress pod stays ready while the broker is away: "
                    + ready.asString());
            given().when().get("/q/health/live").then().statusCode(200);
        }
        assertTrue(notStored() >= notStoredBefore + 3, "every 503 is counted as not_stored");
    }

    private static double notStored() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = NOT_STORED.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static byte[] uniqueBody() {
        return ("{\"object\":\"instagram\",\"entry\":[],\"nonce\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
