package dev.igme.attribution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Deliveries;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class ReadApiTest {

    private static final String OTHER_ACCOUNT = "17841400000000002";
    private static final long T0 = 1767225600000L;

    private String prefix;
    private String user;

    /** Five referrals of one test: a, b, x_1 (account 1), xa1 (account 2, typed message), z (ice breaker). */
    @BeforeEach
    void storeReferrals() {
        prefix = "api-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        user = Deliveries.newUser();
        Webhook.postSigned(Deliveries.envelope(
                referral(Deliveries.ACCOUNT, T0 + 1000, prefix + "a"),
                referral(Deliveries.ACCOUNT, T0 + 2000, prefix + "b"),
                referral(Deliveries.ACCOUNT, T0 + 3000, prefix + "x_1"),
                "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + OTHER_ACCOUNT + "\"},\"timestamp\":"
                        + (T0 + 4000) + ",\"message\":{\"mid\":\"mid-" + prefix + "\",\"text\":\"hi\",\"referral\":{\"ref\":\""
                        + prefix + "xa1\",\"source\":\"SHORTLINK\"}}}",
                "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + Deliveries.ACCOUNT + "\"},\"timestamp\":"
                        + (T0 + 5000) + ",\"postback\":{\"mid\":\"pb-" + prefix + "\",\"title\":\"Q\",\"payload\":\"P\","
                        + "\"referral\":{\"ref\":\"" + prefix + "z\",\"source\":\"SHORTLINK\"}}}"))
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> refs("refPrefix", prefix).size() == 5);
    }

    private String referral(String account, long timestamp, String ref) {
        return "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + account + "\"},\"timestamp\":" + timestamp
                + ",\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}";
    }

    @Test
    void withoutATokenTheApiIsClosedAndWebhooksStayOpen() {
        given().when().get("/api/v1/attributions").then().statusCode(401);
        given().auth().oauth2("not-a-jwt").when().get("/api/v1/attributions").then().statusCode(401);
        given().auth().oauth2(Tokens.withRoles("someone-else")).when().get("/api/v1/attributions").then().statusCode(403);
        given().when().get(Webhook.PATH).then().statusCode(403); // the handshake's own 403, not an auth challenge
    }

    @Test
    void tokenFromAnotherIssuerIsRefused() {
        String foreign = io.smallrye.jwt.build.Jwt.issuer("https://evil.example").groups("igme-viewer").sign();
        given().auth().oauth2(foreign).when().get("/api/v1/attributions").then().statusCode(401);
    }

    @Test
    void newestFirstWithPrefixExactAccountScenarioAndTimeFilters() {
        assertEquals(List.of(prefix + "z", prefix + "xa1", prefix + "x_1", prefix + "b", prefix + "a"),
                refs("refPrefix", prefix));
        assertEquals(List.of(prefix + "b"), refs("ref", prefix + "b"));
        assertEquals(List.of(prefix + "x_1"), refs("refPrefix", prefix + "x_"), "_ in a prefix is literal, not a wildcard");
        assertEquals(List.of(prefix + "xa1"), refs("refPrefix", prefix, "account", OTHER_ACCOUNT));
        assertEquals(List.of(prefix + "xa1"), refs("refPrefix", prefix, "scenario", "NEW_THREAD_MESSAGE"));
        assertEquals(List.of(prefix + "z"), refs("refPrefix", prefix, "scenario", "ICEBREAKER_POSTBACK"));
        assertEquals(List.of(prefix + "x_1", prefix + "b"), refs("refPrefix", prefix,
                "from", Instant.ofEpochMilli(T0 + 2000).toString(), "to", Instant.ofEpochMilli(T0 + 4000).toString()));
    }

    @Test
    void cursorPagingWalksEveryResultOnce() {
        JsonPath first = page("refPrefix", prefix, "limit", "2");
        assertEquals(List.of(prefix + "z", prefix + "xa1"), first.getList("items.ref"));
        String cursor = first.getString("nextCursor");
        assertNotNull(cursor);
        JsonPath second = page("refPrefix", prefix, "limit", "2", "cursor", cursor);
        assertEquals(List.of(prefix + "x_1", prefix + "b"), second.getList("items.ref"));
        JsonPath third = page("refPrefix", prefix, "limit", "2", "cursor", second.getString("nextCursor"));
        assertEquals(List.of(prefix + "a"), third.getList("items.ref"));
        assertNull(third.getString("nextCursor"));
    }

    @Test
    void itemsHaveTheEventShape() {
        JsonPath item = page("ref", prefix + "z");
        assertEquals("ICEBREAKER_POSTBACK", item.getString("items[0].scenario"));
        assertEquals("pb-" + prefix, item.getString("items[0].attributionId"));
        assertEquals("Q", item.getString("items[0].postbackTitle"));
        assertEquals(1, item.getInt("items[0].schemaVersion"));
        assertEquals(Instant.ofEpochMilli(T0 + 5000), Instant.parse(item.getString("items[0].occurredAt")));
    }

    /** A viewer's GET of {@code path} with one query parameter, expected to be refused with 400. */
    private static ValidatableResponse refused(String path, String param, String value) {
        return given().auth().oauth2(Tokens.viewer()).queryParam(param, value).when().get(path).then().statusCode(400);
    }

    @Test
    void badParametersGet400WithTheReason() {
        refused("/api/v1/attributions", "scenario", "SOMETHING")
                .body("error", containsString("scenario must be one of")).body("field", equalTo("scenario"));
        refused("/api/v1/attributions", "from", "yesterday")
                .body("error", containsString("from must be an ISO-8601 instant")).body("field", equalTo("from"));
        refused("/api/v1/attributions", "limit", "0").body("error", containsString("limit"));
        refused("/api/v1/attributions", "cursor", "%%%")
                .body("error", equalTo("cursor is not valid")).body("field", equalTo("cursor"));
        // the replies list names its bad parameter the same way
        refused("/api/v1/replies", "to", "tomorrow").body("field", equalTo("to"));
        refused("/api/v1/replies", "cursor", "x").body("field", equalTo("cursor"));
    }

    @Test
    void conversationShowsAnOpenWindowUntil24HoursAfterTheLastInteraction() {
        String recent = Deliveries.newUser();
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        Webhook.postSigned(Deliveries.message(recent, at.toEpochMilli(), "mid-" + recent, "hello")).then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(Tokens.viewer())
                .when().get("/api/v1/conversations/{a}/{u}", Deliveries.ACCOUNT, recent)
                .then().statusCode(200)
                .body("windowOpen", equalTo(true))
                .body("lastInboundAt", equalTo(at.toString()))
                .body("windowExpiresAt", equalTo(at.plus(Duration.ofHours(24)).toString()))
                .body("lastBusinessMessageAt", nullValue()));
    }

    @Test
    void conversationWhoseLastInteractionIsOlderThan24HoursIsClosed() {
        // storeReferrals() moved this user's clock to T0 + 5000, i.e. 2026-01-01
        given().auth().oauth2(Tokens.viewer())
                .when().get("/api/v1/conversations/{a}/{u}", Deliveries.ACCOUNT, user)
                .then().statusCode(200)
                .body("windowOpen", equalTo(false))
                .body("lastInboundAt", equalTo(Instant.ofEpochMilli(T0 + 5000).toString()));
    }

    @Test
    void unknownConversationIs404() {
        given().auth().oauth2(Tokens.viewer())
                .when().get("/api/v1/conversations/{a}/{u}", Deliveries.ACCOUNT, "1")
                .then().statusCode(404).body("error", containsString("no conversation"));
    }

    private static JsonPath page(String... params) {
        var request = given().auth().oauth2(Tokens.viewer());
        for (int i = 0; i < params.length; i += 2) {
            request.queryParam(params[i], params[i + 1]);
        }
        return request.when().get("/api/v1/attributions").then().statusCode(200).extract().jsonPath();
    }

    private static List<String> refs(String... params) {
        return page(params).getList("items.ref");
    }
}
