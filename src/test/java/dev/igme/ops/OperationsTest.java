package dev.igme.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Health;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest {

    @Test
    void liveAndReadyWithTheDatabaseAndKafkaChecks() {
        // Earlier tests of the same application take the broker away and give it back; the
        // channels report live and ready again once their clients reconnected, and readiness also
        // waits for the redirect's link directory to have read instagram.links.
        Health.awaitLiveAndReady();
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("postgresql"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"))
                .body("checks.name", hasItem("link-directory"));
    }

    @Test
    void prometheusMetricsCountDeliveriesByOutcome() {
        Webhook.postSigned("{\"object\":\"instagram\",\"entry\":[]}".getBytes()).then().statusCode(200);
        Webhook.post("{}".getBytes(), "sha256=00").then().statusCode(401);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("igme_webhook_deliveries_total{outcome=\"stored\"}"), "stored");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("igme_webhook_deliveries_total{outcome=\"bad_signature\"}"),
                "refused");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("igme_webhook_ack_seconds_bucket"), "ack latency histogram");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max"),
                "consumer lag from the Kafka client metrics");
    }

    @Test
    void openApiDescribesTheWebhookAndTheApiAndTheTopicsAreDocumented() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                // the handshake (REST) and the deliveries (a Vert.x route, described in META-INF/openapi.yaml)
                .body("paths.'/webhooks/instagram'", org.hamcrest.Matchers.hasKey("get"))
                .body("paths.'/webhooks/instagram'", org.hamcrest.Matchers.hasKey("post"))
                .body("paths.'/webhooks/instagram'.post.responses", org.hamcrest.Matchers.hasKey("503"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/attributions"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/reply-rules"));
        given().when().get("/asyncapi.yaml").then().statusCode(200)
                .body(containsString("address: instagram.attributions"));
        given().when().get("/schemas/attribution-event-v1.schema.json").then().statusCode(200)
                .body("title", equalTo("AttributionEvent v1"));
    }
}
