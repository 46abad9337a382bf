package dev.igme.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;

/** The Graph API fails for a while: retries are bounded by the window, and a recovery sends once. */
@QuarkusTest
@TestProfile(GraphOutageTest.ManyAttempts.class)
class GraphOutageTest {

    static final Duration MARGIN = Duration.ofSeconds(2);

    /** Enough attempts that the window, not the attempt count, ends the retries. */
    public static class ManyAttempts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.reply.max-attempts", "1000",
                    "igme.reply.retry-initial-backoff", "200ms",
                    "igme.reply.retry-max-backoff", "500ms",
                    "igme.reply.window-margin", MARGIN.toSeconds() + "s");
        }
    }

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @Test
    void serverErrorsUntilTheWindowClosesAreRetriedButNeverPastItsEnd() {
        String user = Deliveries.newUser();
        String ref = rule();
        // the window has about six seconds left (beyond the margin) when the referral arrives
        Instant lastInbound = Instant.now().minus(Duration.ofHours(24)).plus(MARGIN).plusSeconds(6);
        Instant lastUsable = lastInbound.plus(Duration.ofHours(24)).minus(MARGIN);
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"down\",\"code\":2,\"is_transient\":true}}")));

        Webhook.postSigned(Deliveries.existingThreadReferral(user, lastInbound.toEpochMilli(), ref)).then().statusCode(200);

        Map<String, Object> reply = awaitFinal(ref);
        List<LoggedRequest> calls = calls(user);
        System.out.println("Graph outage until the window's end: " + calls.size() + " attempts, then " + reply.get("status"));
        assertEquals("FAILED_WINDOW_CLOSED", reply.get("status"), String.valueOf(reply.get("last_error")));
        assertTrue(calls.size() >= 3, "temporary errors are retried: " + calls.size());
        for (LoggedRequest call : calls) {
            assertTrue(call.getLoggedDate().toInstant().isBefore(lastUsable),
                    "a call at " + call.getLoggedDate().toInstant() + " after the window's usable end " + lastUsable);
        }
    }

    @Test
    void serverErrorsForAWhileThenRecoveryMeansExactlyOneMessage() {
        String user = Deliveries.newUser();
        String ref = rule();
        String scenario = "flaky-" + user;
        for (int i = 0; i < 4; i++) {
            graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))
                    .inScenario(scenario).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willSetStateTo("failed-" + (i + 1))
                    .willReturn(aResponse().withStatus(i % 2 == 0 ? 500 : 400)
                            .withBody(i % 2 == 0 ? "" : "{\"error\":{\"message\":\"limit\",\"code\":613}}")));
        }
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))
                .inScenario(scenario).whenScenarioStateIs("failed-4")
                .willReturn(aResponse().withStatus(200).withBody("{\"recipient_id\":\"x\",\"message_id\":\"m_recovered\"}")));

        Webhook.postSigned(Deliveries.existingThreadReferral(user, Instant.now().minusSeconds(60).toEpochMilli(), ref))
                .then().statusCode(200);

        Map<String, Object> reply = awaitFinal(ref);
        assertEquals("SENT", reply.get("status"));
        assertEquals(5, calls(user).size(), "two 5xx and two 613 answers, then one success");
        assertEquals("m_recovered", reply.get("message_id"));
    }

    private String rule() {
        String prefix = "graph-outage-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},"
                        + "\"message\":{\"text\":\"hi\"}}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
        return prefix + "-ref";
    }

    private List<LoggedRequest> calls(String user) {
        return graph.findAll(postRequestedFor(urlMatching("/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user))));
    }

    private Map<String, Object> awaitFinal(String ref) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Map<String, Object>> rows = Db.rows(pool, "SELECT status FROM reply WHERE ref = $1", ref);
            return !rows.isEmpty() && !List.of("PENDING", "CLAIMED", "SENDING").contains(rows.get(0).get("status"));
        });
        return Db.rows(pool, "SELECT * FROM reply WHERE ref = $1", ref).get(0);
    }
}
