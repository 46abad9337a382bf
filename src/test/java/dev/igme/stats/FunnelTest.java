package dev.igme.stats;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.LinksTest;
import dev.igme.testing.ConsumerLag;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDeliveryPublisher;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The funnel end to end on the real broker and database: clicks through the tracked redirect,
 * signed referrals in the three scenarios, replies with coupons through the faked Send API, and
 * what {@code /api/v1/stats} makes of them, also after the same deliveries arrive again.
 */
@QuarkusTest
public class FunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148";

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aStatsQueryPastItsTimeLimitIsStoppedByTheDatabaseAndSaysWhatToDo() {
        FunnelStore store = new FunnelStore(pool, java.time.Duration.ofMillis(200));
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
                () -> store.read("SELECT pg_sleep(5)", io.vertx.mutiny.sqlclient.Tuple.tuple()).await()
                        .atMost(java.time.Duration.ofSeconds(30)));
        org.junit.jupiter.api.Assertions.assertInstanceOf(FunnelStore.TooSlow.class, failure, String.valueOf(failure));
        org.junit.jupiter.api.Assertions.assertTrue(failure.getMessage().contains("shorter range"), failure.getMessage());
        // the connection went back to the pool without the limit: the next read is not cut short
        org.junit.jupiter.api.Assertions.assertEquals(1, new FunnelStore(pool, java.time.Duration.ofSeconds(30))
                .read("SELECT pg_sleep(0.5)", io.vertx.mutiny.sqlclient.Tuple.tuple()).await()
                .atMost(java.time.Duration.ofSeconds(30)).size());
    }

    public static RequestSpecification viewer() {
        return given().auth().oauth2(Tokens.viewer());
    }

    public static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json");
    }

    private static String refOf(String location) {
        return location.substring(location.indexOf("?ref=") + "?ref=".length());
    }

    private Map<String, Object> awaitReply(String user) {
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> rows = Db.rows(pool, "SELECT status FROM reply WHERE igsid = $1", user);
            return !rows.isEmpty() && !List.of("PENDING", "CLAIMED", "SENDING").contains(rows.get(0).get("status"));
        });
        return Db.rows(pool, "SELECT status, coupon_code FROM reply WHERE igsid = $1", user).get(0);
    }

    private JsonNode funnel(String query) throws Exception {
        return JSON.readTree(viewer().get("/api/v1/stats/funnel?" + query).then().statusCode(200)
                .contentType(startsWith("application/json")).extract().asString());
    }

    private static JsonNode row(JsonNode report, String key) {
        for (JsonNode row : report.get("rows")) {
            if (row.get("key").asText().equals(key)) {
                return row;
            }
        }
        throw new AssertionError("no row " + key + " in " + report);
    }

    @Test
    void clicksConversationsRepliesAndCouponsOfALinkAddUpAndStayPutWhenDeliveredAgain() throws Exception {
        Instant start = Instant.now().minusSeconds(60);
        String campaign = LinksTest.newCampaign();
        String box = LinksTest.newLink(campaign, "packaging", "Lid").get("id").asText();
        String idle = LinksTest.newLink(campaign, "billboard", "Station").get("id").asText();

        String poolName = campaign + "-pool";
        int poolId = admin().body("{\"name\":\"" + poolName + "\"}").post("/api/v1/coupon-pools").then().statusCode(201)
                .extract().path("id");
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("text/csv")
                .body("code\n" + campaign + "-C1\n" + campaign + "-C2\n")
                .post("/api/v1/coupon-pools/" + poolId + "/codes").then().statusCode(200);
        admin().body(Map.of("name", "funnel-" + campaign, "campaigns", List.of(campaign), "channels", List.of("packaging"),
                "couponPool", poolName, "message", Map.of("text", "Thanks from " + campaign + ": {coupon}")))
                .post("/api/v1/reply-rules").then().statusCode(201);
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.message.text", containing(campaign)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"recipient_id\":\"x\",\"message_id\":\"m-" + campaign + "\"}")));

        // three people scan the box and open a conversation, one in each scenario; a preview bot fetches the link
        LinksTest.redirect(box, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)");
        List<byte[]> deliveries = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (String scenario : List.of("ICEBREAKER_POSTBACK", "NEW_THREAD_MESSAGE", "EXISTING_THREAD_REFERRAL")) {
            String ref = refOf(LinksTest.redirect(box, PHONE));
            String user = Deliveries.newUser();
            long now = System.currentTimeMillis();
            byte[] delivery = switch (scenario) {
                case "ICEBREAKER_POSTBACK" -> Deliveries.icebreakerTap(user, now, "pb-" + user, ref);
                case "NEW_THREAD_MESSAGE" -> Deliveries.typedMessageReferral(user, now, "m-" + user, ref);
                default -> Deliveries.existingThreadReferral(user, now, ref);
            };
            Webhook.postSigned(delivery).then().statusCode(200);
            awaitReply(user);
            deliveries.add(delivery);
            users.add(user);
        }
        // the pool held two codes: the third conversation is skipped
        assertEquals("SKIPPED_NO_COUPON", awaitReply(users.get(2)).get("status"));
        await().atMost(WAIT).until(() -> Db.rows(pool, "SELECT click_id FROM link_click WHERE link_id = $1", box).size() == 4);
        // what the replier recorded (a first Send API call on a loaded machine may end FAILED_AMBIGUOUS)
        Map<String, Long> outcomes = new java.util.HashMap<>();
        for (String user : users) {
            outcomes.merge((String) awaitReply(user).get("status"), 1L, Long::sum);
        }

        String range = "from=" + start + "&to=" + Instant.now().plusSeconds(300) + "&campaign=" + campaign;
        JsonNode report = funnel(range + "&groupBy=link");
        assertEquals(2, report.get("rows").size(), report.toString());
        assertFunnelOfTheBox(row(report, box), campaign, outcomes);

        JsonNode station = row(report, idle);
        assertEquals("billboard", station.get("channel").asText());
        assertEquals(0, station.get("clicks").asLong());
        assertEquals(0, station.get("conversations").asLong());
        assertEquals(0, station.get("replies").get("sent").asLong());
        assertTrue(station.get("conversion").isNull());

        JsonNode byCampaign = funnel(range + "&groupBy=campaign");
        assertEquals(1, byCampaign.get("rows").size());
        assertFunnelOfTheBox(row(byCampaign, campaign), campaign, outcomes);
        JsonNode byChannel = funnel(range + "&groupBy=channel");
        assertEquals(3, row(byChannel, "packaging").get("conversations").asLong());
        assertEquals(0, row(byChannel, "billboard").get("conversations").asLong());

        // Meta delivers the same items again: stored once, replied to once, counted once
        for (byte[] delivery : deliveries) {
            Webhook.postSigned(delivery).then().statusCode(200);
        }
        String marker = Deliveries.newUser();
        Webhook.postSigned(Deliveries.existingThreadReferral(marker, System.currentTimeMillis(), "typed-" + campaign))
                .then().statusCode(200);
        await().atMost(WAIT).until(() -> !Db.rows(pool, "SELECT 1 FROM attribution WHERE igsid = $1", marker).isEmpty());
        // the normalizer and then the replier have taken everything on their topics, the redeliveries too
        await().atMost(WAIT).until(() -> ConsumerLag.of(bootstrap, "igme-normalizer", RawDeliveryPublisher.TOPIC) == 0);
        await().atMost(WAIT).until(() -> ConsumerLag.of(bootstrap, "igme-replier", NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0);
        assertFunnelOfTheBox(row(funnel(range + "&groupBy=link"), box), campaign, outcomes);

        // top refs: the link's per-click refs count under the link's ref; the typed one is FOREIGN
        JsonNode top = JSON.readTree(viewer().get("/api/v1/stats/top-refs?from=" + start + "&to="
                + Instant.now().plusSeconds(300) + "&account=" + Deliveries.ACCOUNT + "&limit=500").then().statusCode(200)
                .extract().asString());
        String boxRef = viewer().get("/api/v1/links/" + box).then().statusCode(200).extract().path("ref");
        boolean sawBox = false;
        boolean sawTyped = false;
        for (JsonNode item : top.get("items")) {
            if (item.get("ref").asText().equals(boxRef)) {
                sawBox = true;
                assertEquals("VERIFIED", item.get("refStatus").asText());
                assertEquals(3, item.get("conversations").asLong());
                assertEquals(3, item.get("users").asLong());
                assertEquals(box, item.get("link").asText());
            }
            if (item.get("ref").asText().equals("typed-" + campaign)) {
                sawTyped = true;
                assertEquals("FOREIGN", item.get("refStatus").asText());
                assertEquals(1, item.get("conversations").asLong());
            }
        }
        assertTrue(sawBox && sawTyped, top.toString());

        // the same numbers as CSV, asked for either way
        String csv = viewer().header("Accept", "text/csv").get("/api/v1/stats/funnel?" + range + "&groupBy=link")
                .then().statusCode(200).contentType(startsWith("text/csv")).extract().asString();
        assertEquals(csv, viewer().get("/api/v1/stats/funnel?" + range + "&groupBy=link&format=csv").then()
                .statusCode(200).contentType(startsWith("text/csv")).extract().asString());
        String[] lines = csv.split("\n");
        assertEquals(String.join(",", StatsCsv.funnelColumns()), lines[0]);
        assertEquals(3, lines.length, csv);
        List<String> columns = StatsCsv.funnelColumns();
        String[] boxLine = (lines[1].startsWith(box + ",") ? lines[1] : lines[2]).split(",", -1);
        assertEquals(columns.size(), boxLine.length, csv);
        assertEquals("3", boxLine[columns.indexOf("clicks")]);
        assertEquals("1", boxLine[columns.indexOf("botClicks")]);
        assertEquals("3", boxLine[columns.indexOf("conversations")]);
        assertEquals(String.valueOf(outcomes.getOrDefault("SENT", 0L)), boxLine[columns.indexOf("repliesSent")]);
        assertEquals("1", boxLine[columns.indexOf("skipped_NO_COUPON")]);
        assertEquals("2", boxLine[columns.indexOf("couponsIssued")]);
        assertEquals("1.0", boxLine[columns.indexOf("conversion")]);
    }

    private static void assertFunnelOfTheBox(JsonNode row, String campaign, Map<String, Long> outcomes) {
        assertEquals(campaign, row.get("campaign").asText(), row.toString());
        assertEquals(3, row.get("clicks").asLong(), row.toString());
        assertEquals(1, row.get("botClicks").asLong(), row.toString());
        assertEquals(3, row.get("conversations").asLong(), row.toString());
        assertEquals(1, row.get("scenarios").get("icebreakerTaps").asLong());
        assertEquals(1, row.get("scenarios").get("typedMessages").asLong());
        assertEquals(1, row.get("scenarios").get("existingThreadReferrals").asLong());
        assertEquals(2, row.get("newThreads").asLong());
        assertEquals(1, row.get("existingThreads").asLong());
        assertEquals(3, row.get("referralsFromClicks").asLong());
        assertEquals(1.0, row.get("conversion").asDouble(), 1e-9);
        JsonNode replies = row.get("replies");
        assertEquals(1, replies.get("skipped").get("NO_COUPON").asLong(), row.toString());
        assertEquals(0, replies.get("pending").asLong());
        for (dev.igme.reply.outbox.ReplyStatus status : dev.igme.reply.outbox.ReplyStatus.values()) {
            if (!status.isFinal()) {
                continue;
            }
            String name = status.name();
            long counted = name.equals("SENT") ? replies.get("sent").asLong()
                    : name.startsWith("SKIPPED_") ? replies.get("skipped").get(name.substring(8)).asLong()
                    : replies.get("failed").get(name.substring(7)).asLong();
            assertEquals(outcomes.getOrDefault(name, 0L), counted, name + " in " + row);
        }
        assertEquals(2, row.get("couponsIssued").asLong());
        assertTrue(row.get("clickToReferral").get("p50").asDouble() >= 0, row.toString());
        assertTrue(row.get("clickToReferral").get("p95").asDouble() >= row.get("clickToReferral").get("p50").asDouble());
        if (outcomes.getOrDefault("SENT", 0L) > 0) {
            assertTrue(row.get("referralToReply").get("p50").isNumber() && row.get("referralToReply").get("p50").asDouble() >= 0,
                    row.toString());
        }
        assertEquals(0, row.get("boundIdentities").asLong());
    }

    @Test
    void daysAreCountedInTheGivenTimeZoneAndDaysWithoutTrafficAreZeroRows() throws Exception {
        String campaign = LinksTest.newCampaign();
        JsonNode link = LinksTest.newLink(campaign, "store", "Till");
        String linkId = link.get("id").asText();
        String ref = link.get("ref").asText();
        // 23:30 and 00:30 UTC around midnight of 10/11 March; in Berlin (UTC+1) both are on the 11th
        String late = Deliveries.newUser();
        String early = Deliveries.newUser();
        Webhook.postSigned(Deliveries.existingThreadReferral(late, Instant.parse("2026-03-10T23:30:00Z").toEpochMilli(), ref))
                .then().statusCode(200);
        Webhook.postSigned(Deliveries.existingThreadReferral(early, Instant.parse("2026-03-11T00:30:00Z").toEpochMilli(), ref))
                .then().statusCode(200);
        await().atMost(WAIT).until(() -> Db.rows(pool, "SELECT 1 FROM attribution WHERE link_id = $1", linkId).size() == 2);

        JsonNode utc = funnel("from=2026-03-10&to=2026-03-12&groupBy=day&link=" + linkId);
        assertEquals("UTC", utc.get("tz").asText());
        assertEquals(List.of("2026-03-10", "2026-03-11", "2026-03-12"), keys(utc));
        assertEquals(List.of(1L, 1L, 0L), conversations(utc));

        JsonNode berlin = funnel("from=2026-03-10&to=2026-03-12&groupBy=day&tz=Europe/Berlin&link=" + linkId);
        assertEquals(List.of("2026-03-10", "2026-03-11", "2026-03-12"), keys(berlin));
        assertEquals(List.of(0L, 2L, 0L), conversations(berlin));
        assertEquals("2026-03-09T23:00:00Z", berlin.get("from").asText());
        assertEquals("2026-03-12T23:00:00Z", berlin.get("to").asText());
        JsonNode idleDay = berlin.get("rows").get(0);
        assertEquals(0, idleDay.get("clicks").asLong());
        assertTrue(idleDay.get("clickToReferral").get("p50").isNull());
        assertNull(idleDay.get("link").textValue());
    }

    private static List<String> keys(JsonNode report) {
        List<String> keys = new ArrayList<>();
        report.get("rows").forEach(r -> keys.add(r.get("key").asText()));
        return keys;
    }

    private static List<Long> conversations(JsonNode report) {
        List<Long> counts = new ArrayList<>();
        report.get("rows").forEach(r -> counts.add(r.get("conversations").asLong()));
        return counts;
    }

    @Test
    void badParametersAreProblemsNamingTheField() {
        Map<String, String> cases = Map.of(
                "from=2026-03-12&to=2026-03-10", "from",
                "tz=Mars/Olympus", "tz",
                "groupBy=week", "groupBy",
                "from=2020-01-01&to=2026-01-01", "to",
                "from=yesterday", "from",
                "channel=radio", "channel",
                "format=xml", "format");
        cases.forEach((query, field) -> viewer().get("/api/v1/stats/funnel?" + query).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("field", equalTo(field))
                .body("status", equalTo(400)));
        viewer().get("/api/v1/stats/top-refs?limit=0").then().statusCode(400).body("field", equalTo("limit"));
        viewer().get("/api/v1/stats/top-refs?to=nope").then().statusCode(400).body("field", equalTo("to"));
    }

    @Test
    void theStatsNeedAViewerOrAdminToken() {
        given().get("/api/v1/stats/funnel").then().statusCode(401);
        given().auth().oauth2(Tokens.withRoles("someone-else")).get("/api/v1/stats/funnel").then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        given().auth().oauth2(Tokens.withRoles("igme-admin")).get("/api/v1/stats/top-refs").then().statusCode(200);
        viewer().get("/api/v1/stats/funnel").then().statusCode(200).body("groupBy", equalTo("campaign"));
    }

    @Test
    void theOpenApiDocumentListsTheStatsPaths() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/stats/funnel")).body("paths", hasKey("/api/v1/stats/top-refs"));
    }
}
