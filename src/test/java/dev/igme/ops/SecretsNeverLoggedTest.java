package dev.igme.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Runs the paths that handle the app secret and an access token, with every log record captured. */
@QuarkusTest
class SecretsNeverLoggedTest {

    /** The secrets of the test profile (application.properties). */
    private static final List<String> SECRETS = List.of("test-secret-new", "test-secret-old", "test-verify-token",
            "ig-login-test-token", "page-test-token", "soon-rejected-token");

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getParameters() != null) {
                message = message + " " + java.util.Arrays.toString(record.getParameters());
            }
            lines.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureEverything() {
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        Logger.getLogger("dev.igme").setLevel(Level.ALL);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void neitherTheAppSecretNorATokenAppearsInAnyLogLine() {
        String user = Deliveries.newUser();
        String prefix = "secret-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},"
                        + "\"message\":{\"text\":\"hi\"}}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
        graph.stubFor(post(urlMatching("/ig/.*")).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                "application/json").withBody("{\"error\":{\"message\":\"Invalid OAuth access token\",\"code\":100}}")));

        long now = Instant.now().minusSeconds(30).toEpochMilli();
        Webhook.postSigned(Deliveries.existingThreadReferral(user, now, prefix + "-a")).then().statusCode(200);
        Webhook.post("{}".getBytes(), "sha256=" + "ab".repeat(32)).then().statusCode(401);
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "wrong")
                .queryParam("hub.challenge", "1").when().get(Webhook.PATH).then().statusCode(403);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !Db.rows(pool, "SELECT 1 FROM reply WHERE ref = $1 AND status LIKE 'FAILED%'", prefix + "-a").isEmpty());

        assertFalse(lines.isEmpty(), "the capture saw the application's log lines");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Refused a delivery")), "the capture saw the refused delivery");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Invalid OAuth access token")),
                "the capture saw the Send API call of the account: " + lines);
        for (String secret : SECRETS) {
            assertTrue(lines.stream().noneMatch(line -> line.contains(secret)), "a log line contains " + secret);
        }
    }
}
