package dev.igme.reply.coupons;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/** Referrals to a rule with {coupon}, through the real broker and database to the faked Send API. */
@QuarkusTest
class CouponRepliesTest {

    private static final String ACCOUNT = Deliveries.ACCOUNT;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @Test
    void eachConversationGetsOneCodeOnceAndAnEmptyPoolSkips() {
        String prefix = "cp-" + UUID.randomUUID().toString().substring(0, 8);
        String poolName = prefix + "-pool";
        int poolId = given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + poolName + "\",\"lowThreshold\":2}").when().post("/api/v1/coupon-pools")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("text/csv").body("code\n" + prefix + "-C1\n" + prefix + "-C2\n")
                .when().post("/api/v1/coupon-pools/" + poolId + "/codes").then().statusCode(200).body("added", org.hamcrest.Matchers.equalTo(2));
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},\"priority\":100,"
                        + "\"message\":{\"text\":\"Thanks for scanning {ref}! Your code for the next purchase: {coupon}\"},"
                        + "\"couponPool\":\"" + poolName + "\"}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
        String a = Deliveries.newUser();
        String b = Deliveries.newUser();
        String c = Deliveries.newUser();
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.message.text", com.github.tomakehurst.wiremock.client.WireMock.containing(prefix)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"recipient_id\":\"x\",\"message_id\":\"m_coupon\"}")));

        warmUp(prefix);

        refer(a, prefix + "-a1");
        Map<String, Object> first = awaitFinal(prefix + "-a1");
        assertEquals("SENT", first.get("status"), String.valueOf(first.get("last_error")));
        assertEquals(prefix + "-C1", first.get("coupon_code"), "codes go out in upload order");
        assertEquals("Thanks for scanning " + prefix + "-a1! Your code for the next purchase: " + prefix + "-C1", textSentTo(a).get(0));

        refer(a, prefix + "-a2"); // the same conversation follows another link of the same rule
        Map<String, Object> again = awaitFinal(prefix + "-a2");
        assertEquals("SKIPPED_COUPON_ALREADY_ISSUED", again.get("status"));
        assertEquals(null, again.get("coupon_code"));

        refer(b, prefix + "-b");
        assertEquals(prefix + "-C2", awaitFinal(prefix + "-b").get("coupon_code"));
        assertTrue(textSentTo(b).get(0).endsWith(": " + prefix + "-C2"));

        refer(c, prefix + "-c");
        Map<String, Object> empty = awaitFinal(prefix + "-c");
        assertEquals("SKIPPED_NO_COUPON", empty.get("status"));
        assertTrue(String.valueOf(empty.get("last_error")).contains(poolName));

        assertEquals(1, textSentTo(a).size(), "one message, one code for a");
        assertEquals(0, textSentTo(c).size());
        List<Map<String, Object>> issued = Db.rows(pool, "SELECT code, igsid, attribution_id FROM coupon WHERE pool_id = $1"
                + " AND issued_at IS NOT NULL ORDER BY code", (long) poolId);
        assertEquals(2, issued.size());
        assertEquals(a, issued.get(0).get("igsid"));
        assertEquals(b, issued.get(1).get("igsid"));

        given().auth().oauth2(Tokens.viewer()).queryParam("ref", prefix + "-b").when().get("/api/v1/replies")
                .then().statusCode(200).body("items[0].couponCode", org.hamcrest.Matchers.equalTo(prefix + "-C2"));
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/coupon-pools/" + poolId).then().statusCode(200)
                .body("issued", org.hamcrest.Matchers.equalTo(2)).body("left", org.hamcrest.Matchers.equalTo(0));
        // below the threshold of 2: marked (and warned) once; the gauges follow within the check interval
        await().atMost(WAIT).until(() -> Db.rows(pool, "SELECT low_since FROM coupon_pool WHERE id = $1", (long) poolId)
                .get(0).get("low_since") != null);
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metric(metrics, "igme_coupons_issued_total", poolName, "2"), "issued counter");
            assertTrue(metric(metrics, "igme_coupons_left", poolName, "0"), "left gauge");
            assertTrue(metrics.contains("igme_replies_total{status=\"SKIPPED_NO_COUPON\"}"), "skips by status");
        });
    }

    /**
     * One reply without a coupon first: on a busy machine the very first Send API call of the test
     * run (cold client, cold fake) can take longer than the tests' 1 s request timeout, and what
     * this test is about should not depend on that.
     */
    private void warmUp(String prefix) {
        String ref = "warm-" + prefix;
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + ref + "\",\"match\":{\"type\":\"EXACT\",\"pattern\":\"" + ref + "\"},"
                        + "\"message\":{\"text\":\"" + prefix + " warm-up\"}}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
        refer(Deliveries.newUser(), ref);
        awaitFinal(ref);
    }

    private static boolean metric(String metrics, String name, String pool, String value) {
        return java.util.regex.Pattern.compile("(?m)^" + name + "\\{pool=\"" + java.util.regex.Pattern.quote(pool) + "\"\\} "
                + value + "(\\.0)?$").matcher(metrics).find();
    }

    private static void refer(String user, String ref) {
        Webhook.postSigned(Deliveries.existingThreadReferral(user, Instant.now().minusSeconds(60).toEpochMilli(), ref))
                .then().statusCode(200);
    }

    private List<String> textSentTo(String user) {
        List<LoggedRequest> calls = graph.findAll(postRequestedFor(urlMatching("/ig/.*"))
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user))));
        return calls.stream().map(call -> new JsonPath(call.getBodyAsString()).getString("message.text")).toList();
    }

    private Map<String, Object> awaitFinal(String ref) {
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> rows = Db.rows(pool, "SELECT status FROM reply WHERE ref = $1", ref);
            return !rows.isEmpty() && !List.of("PENDING", "CLAIMED", "SENDING").contains(rows.get(0).get("status"));
        });
        Map<String, Object> row = Db.rows(pool, "SELECT * FROM reply WHERE ref = $1", ref).get(0);
        assertNotNull(row.get("status"));
        return row;
    }
}
