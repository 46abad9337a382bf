package dev.igme.reply.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.conversation.ConversationKey;
import dev.igme.testing.ConsumerLag;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Webhook to Send API through the real broker and database, with the Graph API faked over real HTTP. */
@QuarkusTest
class ReplierTest {

    private static final String IG_ACCOUNT = "17841400000000001";
    private static final String PAGE_ACCOUNT = "17841400000000002";
    private static final String PAGE_ID = "100000000000002";
    private static final String DOOMED_ACCOUNT = "17841400000000003";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @Inject
    ReplyOutbox outbox;

    private String user;
    private String prefix;

    @BeforeEach
    void newConversation() {
        user = Deliveries.newUser();
        prefix = "rp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    // --- the request itself --------------------------------------------------------------------

    @Test
    void instagramLoginAccountRepliesOnGraphInstagramWithBearerTokenRecipientAndText() {
        createRule(prefix, "Thanks for scanning {ref}!", 0, "[{\"title\":\"Sizes\",\"payload\":\"SIZES\"}]");
        stubFor(post(urlMatching("/ig/.*")), ok("m_ig_" + user));

        Webhook.postSigned(existingThread(IG_ACCOUNT, recent(), prefix + "pack")).then().statusCode(200);

        Map<String, Object> reply = awaitFinal(prefix + "pack");
        assertEquals("SENT", reply.get("status"));
        assertEquals("m_ig_" + user, reply.get("message_id"));
        List<LoggedRequest> calls = callsFor(user);
        assertEquals(1, calls.size());
        LoggedRequest call = calls.get(0);
        assertEquals("/ig/v23.0/" + IG_ACCOUNT + "/messages", call.getUrl());
        assertEquals("Bearer ig-login-test-token", call.getHeader("Authorization"));
        graph.verify(postRequestedFor(urlEqualTo("/ig/v23.0/" + IG_ACCOUNT + "/messages"))
                .withRequestBody(equalToJson("{\"recipient\":{\"id\":\"" + user + "\"},\"message\":{\"text\":\"Thanks for scanning "
                        + prefix + "pack!\",\"quick_replies\":[{\"content_type\":\"text\",\"title\":\"Sizes\",\"payload\":\"SIZES\"}]}}")));
    }

    @Test
    void facebookPageAccountRepliesOnGraphFacebookThroughThePageWithThePageToken() {
        createRule(prefix, "Hello from the page", 0, null);
        stubFor(post(urlMatching("/fb/.*")), ok("m_fb_" + user));

        Webhook.postSigned(existingThread(PAGE_ACCOUNT, recent(), prefix + "sms")).then().statusCode(200);

        assertEquals("SENT", awaitFinal(prefix + "sms").get("status"));
        LoggedRequest call = callsFor(user).get(0);
        assertEquals("/fb/v23.0/" + PAGE_ID + "/messages", call.getUrl());
        assertEquals("Bearer page-test-token", call.getHeader("Authorization"));
        graph.verify(postRequestedFor(urlEqualTo("/fb/v23.0/" + PAGE_ID + "/messages"))
                .withRequestBody(equalToJson("{\"recipient\":{\"id\":\"" + user + "\"},\"message\":{\"text\":\"Hello from the page\"}}")));
    }

    // --- Meta's error policy ---------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0} code {1}/{2} → {3} after {4} call(s)")
    @CsvSource({
            "400, 10, 2534022, FAILED_WINDOW_CLOSED, 1",
            "400, 551, 0, FAILED_USER_UNAVAILABLE, 1",
            "400, 100, 2534014, FAILED_NO_MATCHING_USER, 1",
            "400, 100, 0, FAILED_INVALID_MESSAGE, 1",
            "400, 10, 2018300, FAILED_THREAD_CONTROLLED_BY_OTHER_APP, 1",
            "403, 200, 2534041, FAILED_DM_ACCESS_DISABLED, 1",
            "400, 2, 0, FAILED_TEMPORARY, 3",
            "500, 1, 0, FAILED_TEMPORARY, 3",
            "400, 613, 0, FAILED_RATE_LIMITED, 3"})
    void eachErrorClassEndsInItsStateAfterTheRightNumberOfAttempts(int status, int code, int subcode, String finalState,
            int calls) {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/ig/.*")), error(status, code, subcode));

        Webhook.postSigned(existingThread(IG_ACCOUNT, recent(), prefix + "err")).then().statusCode(200);

        Map<String, Object> reply = awaitFinal(prefix + "err");
        assertEquals(finalState, reply.get("status"), String.valueOf(reply.get("last_error")));
        assertEquals(calls, reply.get("attempts"));
        assertEquals(calls, callsFor(user).size(), "retries only for temporary and rate-limit errors (max-attempts=3)");
    }

    @Test
    void rateLimitedOnceThenSentIsSentExactlyOnce() {
        createRule(prefix, "hi", 0, null);
        String scenario = "613-" + user;
        stubFor(post(urlMatching("/ig/.*")).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("limited"), error(400, 613, 0));
        stubFor(post(urlMatching("/ig/.*")).inScenario(scenario).whenScenarioStateIs("limited"), ok("m_after_613"));

        Webhook.postSigned(existingThread(IG_ACCOUNT, recent(), prefix + "613")).then().statusCode(200);

        Map<String, Object> reply = awaitFinal(prefix + "613");
        assertEquals("SENT", reply.get("status"));
        assertEquals(2, reply.get("attempts"));
        assertEquals(2, callsFor(user).size());
    }

    @Test
    void rejectedTokenPausesTheAccountAndNoFurtherCallIsMade() {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/ig/v23.0/" + DOOMED_ACCOUNT + "/.*")), error(401, 190, 0));

        Webhook.postSigned(existingThread(DOOMED_ACCOUNT, recent(), prefix + "t1")).then().statusCode(200);
        assertEquals("FAILED_TOKEN_INVALID", awaitFinal(prefix + "t1").get("status"));

        String second = Deliveries.newUser();
        Webhook.postSigned(Deliveries.envelope(referralItem(DOOMED_ACCOUNT, second, recent(), prefix + "t2")))
                .then().statusCode(200);
        assertEquals("SKIPPED_ACCOUNT_PAUSED", awaitFinal(prefix + "t2").get("status"));
        assertEquals(0, callsFor(second).size());
    }

    @Test
    void timeoutAfterTheRequestLeftIsAmbiguousAndNeverRetried() {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/ig/.*")), ok("m_late").withFixedDelay(2500)); // request-timeout is 1s in tests

        Webhook.postSigned(existingThread(IG_ACCOUNT, recent(), prefix + "slow")).then().statusCode(200);

        Map<String, Object> reply = awaitFinal(prefix + "slow");
        assertEquals("FAILED_AMBIGUOUS", reply.get("status"));
        assertEquals(1, callsFor(user).size(), "a message Meta may have delivered is not sent twice");
    }

    // --- no call at all ------------------------------------------------------------------------

    @Test
    void closedWindowMeansNoHttpCall() {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/ig/.*")), ok("m_never"));
        long dayAndAHourAgo = Instant.now().minus(Duration.ofHours(25)).toEpochMilli();

        Webhook.postSigned(existingThread(IG_ACCOUNT, dayAndAHourAgo, prefix + "late")).then().statusCode(200);

        assertEquals("SKIPPED_WINDOW_CLOSED", awaitFinal(prefix + "late").get("status"));
        assertEquals(0, callsFor(user).size());
    }

    @Test
    void testAndStandbyDeliveriesAndUnknownAccountsAreNeverRepliedTo() {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/.*")), ok("m_never"));
        String standby = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + IG_ACCOUNT + "\",\"standby\":["
                + referralItem(IG_ACCOUNT, user, recent(), prefix + "standby") + "]}]}";
        String test = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"0\",\"changes\":[{\"field\":\"messaging_referral\","
                + "\"value\":" + referralItem(IG_ACCOUNT, user, recent(), prefix + "test") + "}]}]}";
        Webhook.postSigned(standby.getBytes()).then().statusCode(200);
        Webhook.postSigned(test.getBytes()).then().statusCode(200);
        Webhook.postSigned(Deliveries.envelope(referralItem("17841499999999999", user, recent(), prefix + "unknown")))
                .then().statusCode(200);

        assertEquals("SKIPPED_STANDBY", awaitFinal(prefix + "standby").get("status"));
        assertEquals("SKIPPED_TEST_DELIVERY", awaitFinal(prefix + "test").get("status"));
        assertEquals("SKIPPED_ACCOUNT_NOT_CONFIGURED", awaitFinal(prefix + "unknown").get("status"));
        assertEquals(0, callsFor(user).size());
    }

    @Test
    void cooldownAndRepeatedDeliveriesMakeOneCall() {
        createRule(prefix, "once an hour", 3600, null);
        stubFor(post(urlMatching("/ig/.*")), ok("m_once"));
        long now = recent();
        byte[] first = existingThread(IG_ACCOUNT, now, prefix + "a");
        Webhook.postSigned(first).then().statusCode(200);
        Webhook.postSigned(first).then().statusCode(200); // Meta's retry of the same delivery
        assertEquals("SENT", awaitFinal(prefix + "a").get("status"));

        Webhook.postSigned(existingThread(IG_ACCOUNT, now + 1000, prefix + "b")).then().statusCode(200);
        assertEquals("SKIPPED_COOLDOWN", awaitFinal(prefix + "b").get("status"));
        assertEquals(1, callsFor(user).size());
        assertEquals(1, Db.rows(pool, "SELECT 1 FROM reply WHERE ref = $1", prefix + "a").size());
    }

    @Test
    void replyLeftSendingByADeadInstanceIsMarkedAmbiguousAndNotSent() {
        stubFor(post(urlMatching("/.*")), ok("m_never"));
        Db.rows(pool, "INSERT INTO reply (attribution_id, ig_account_id, igsid, ref, scenario, status, text, attempts,"
                + " updated_at) VALUES ($1, $2, $3, $4, 'EXISTING_THREAD_REFERRAL', 'SENDING', 'hi', 1, now() - interval '1 hour')",
                "crashed-" + user, IG_ACCOUNT, user, prefix + "crashed");

        Map<String, Object> reply = awaitFinal(prefix + "crashed");
        assertEquals("FAILED_AMBIGUOUS", reply.get("status"));
        assertEquals(0, callsFor(user).size());
    }

    @Test
    void aClaimAnotherDispatcherTookOverIsNotSentByTheFirst() {
        // dispatcher A claimed the row (attempt 1) and waited on the rate limit past sending-timeout;
        // the row was handed back and dispatcher B claimed it again (attempt 2)
        long id = ((Number) Db.rows(pool, "INSERT INTO reply (attribution_id, ig_account_id, igsid, ref, scenario, status,"
                + " text, attempts) VALUES ($1, $2, $3, $4, 'EXISTING_THREAD_REFERRAL', 'CLAIMED', 'hi', 2) RETURNING id",
                "taken-over-" + user, IG_ACCOUNT, user, prefix + "taken-over").get(0).get("id")).longValue();
        ReplyOutbox.Due claimedByA = new ReplyOutbox.Due(id, "taken-over-" + user, new ConversationKey(IG_ACCOUNT, user), "hi", List.of(), 1,
                Instant.now(), null, null, null);
        ReplyOutbox.Due claimedByB = new ReplyOutbox.Due(id, "taken-over-" + user, new ConversationKey(IG_ACCOUNT, user), "hi", List.of(), 2,
                Instant.now(), null, null, null);

        assertEquals(Set.of(), outbox.markSending(List.of(claimedByA)).await().atMost(WAIT), "A may not send it");
        assertEquals("CLAIMED", Db.rows(pool, "SELECT status FROM reply WHERE id = $1", id).get(0).get("status"));
        assertEquals(Set.of(id), outbox.markSending(List.of(claimedByB)).await().atMost(WAIT), "B sends it");
        Db.rows(pool, "UPDATE reply SET status = 'FAILED_AMBIGUOUS' WHERE id = $1", id);
    }

    // --- end to end, per scenario --------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"ICEBREAKER_POSTBACK", "NEW_THREAD_MESSAGE", "EXISTING_THREAD_REFERRAL"})
    void eachScenarioGetsExactlyOneReplyEvenWhenTheDeliveryComesTwice(String scenario) {
        createRule(prefix, "Welcome via {ref} ({scenario})", 0, null);
        stubFor(post(urlMatching("/ig/.*")), ok("m_" + scenario + user));
        String ref = prefix + scenario.toLowerCase();
        String item = switch (scenario) {
            case "ICEBREAKER_POSTBACK" -> "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + IG_ACCOUNT
                    + "\"},\"timestamp\":" + recent() + ",\"postback\":{\"mid\":\"pb-" + user + "\",\"title\":\"Hours?\","
                    + "\"payload\":\"HOURS\",\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}}";
            case "NEW_THREAD_MESSAGE" -> "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + IG_ACCOUNT
                    + "\"},\"timestamp\":" + recent() + ",\"message\":{\"mid\":\"msg-" + user + "\",\"text\":\"hi\","
                    + "\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}}";
            default -> referralItem(IG_ACCOUNT, user, recent(), ref);
        };
        byte[] delivery = Deliveries.envelope(item);

        Webhook.postSigned(delivery).then().statusCode(200);
        assertEquals("SENT", awaitFinal(ref).get("status"));
        Webhook.postSigned(delivery).then().statusCode(200);
        // the repeated event is on the topic, and the repliers have consumed the topic to its end
        await().atMost(WAIT).until(() -> dev.igme.testing.TopicReader.all(bootstrap(), NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> new String(r.value()).contains(ref)).size() >= 2);
        await().atMost(WAIT).until(() -> ConsumerLag.of(bootstrap(), "igme-replier", NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0);
        Map<String, Object> stillOne = awaitFinal(ref);
        assertEquals("SENT", stillOne.get("status"));

        List<LoggedRequest> calls = callsFor(user);
        assertEquals(1, calls.size(), "one Send API call, whatever the number of deliveries");
        assertEquals("Welcome via " + ref + " (" + scenario + ")",
                new io.restassured.path.json.JsonPath(calls.get(0).getBodyAsString()).getString("message.text"));
    }

    // --- operators' view -----------------------------------------------------------------------

    @Test
    void repliesAreListedForOperatorsByStatusAndRef() {
        createRule(prefix, "hi", 0, null);
        stubFor(post(urlMatching("/ig/.*")), ok("m_listed"));
        Webhook.postSigned(existingThread(IG_ACCOUNT, recent(), prefix + "listed")).then().statusCode(200);
        awaitFinal(prefix + "listed");

        given().auth().oauth2(Tokens.viewer()).queryParam("ref", prefix + "listed").queryParam("status", "SENT")
                .when().get("/api/v1/replies")
                .then().statusCode(200)
                .body("items[0].status", org.hamcrest.Matchers.equalTo("SENT"))
                .body("items[0].messageId", org.hamcrest.Matchers.equalTo("m_listed"))
                .body("items[0].ruleName", org.hamcrest.Matchers.equalTo(prefix));
        given().auth().oauth2(Tokens.viewer()).queryParam("ref", prefix + "listed").queryParam("status", "FAILED_*")
                .when().get("/api/v1/replies")
                .then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
        given().when().get("/api/v1/replies").then().statusCode(401);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static long recent() {
        return Instant.now().minusSeconds(60).toEpochMilli();
    }

    private byte[] existingThread(String account, long timestamp, String ref) {
        return Deliveries.envelope(referralItem(account, user, timestamp, ref));
    }

    private static String referralItem(String account, String sender, long timestamp, String ref) {
        return "{\"sender\":{\"id\":\"" + sender + "\"},\"recipient\":{\"id\":\"" + account + "\"},\"timestamp\":" + timestamp
                + ",\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}";
    }

    private void createRule(String refPrefix, String text, long cooldownSeconds, String quickReplies) {
        String body = "{\"name\":\"" + refPrefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + refPrefix + "\"},"
                + "\"priority\":100,\"cooldownSeconds\":" + cooldownSeconds + ",\"message\":{\"text\":\"" + text + "\""
                + (quickReplies == null ? "" : ",\"quickReplies\":" + quickReplies) + "}}";
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json").body(body)
                .when().post("/api/v1/reply-rules").then().statusCode(201);
    }

    /** Stubs only requests for this test's user, so tests sharing the fake never see each other's answers. */
    private void stubFor(MappingBuilder request, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        graph.stubFor(request.withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user))).willReturn(response));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String messageId) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"recipient_id\":\"x\",\"message_id\":\"" + messageId + "\"}");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, int code, int subcode) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"fake error\",\"type\":\"OAuthException\",\"code\":" + code
                        + (subcode == 0 ? "" : ",\"error_subcode\":" + subcode) + ",\"fbtrace_id\":\"t\"}}");
    }

    private List<LoggedRequest> callsFor(String igsid) {
        return graph.findAll(postRequestedFor(urlMatching("/.*"))
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(igsid))));
    }

    /** Waits until the reply of this ref has reached a final state and returns its row. */
    private Map<String, Object> awaitFinal(String ref) {
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> rows = Db.rows(pool, "SELECT status FROM reply WHERE ref = $1", ref);
            return !rows.isEmpty() && !List.of("PENDING", "CLAIMED", "SENDING").contains(rows.get(0).get("status"));
        });
        Map<String, Object> row = Db.rows(pool, "SELECT * FROM reply WHERE ref = $1", ref).get(0);
        assertNotNull(row.get("status"));
        return row;
    }

    private static String bootstrap() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
