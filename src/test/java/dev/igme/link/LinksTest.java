package dev.igme.link;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.redirect.ClickPublisher;
import dev.igme.link.ref.RefCodec;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.QrImages;
import dev.igme.testing.Refs;
import dev.igme.testing.Tokens;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Links end to end on the real broker and database: a campaign and a link through the API, the
 * tracked redirect, the referral that follows in each of the three scenarios, and the attribution
 * event that joins its click; tampered, expired, rotated and personal refs.
 */
@QuarkusTest
public class LinksTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Pool pool;

    @InjectGraphApi
    WireMockServer graph;

    static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json");
    }

    static RequestSpecification viewer() {
        return given().auth().oauth2(Tokens.viewer());
    }

    public static String newCampaign() {
        String id = "c" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        admin().body(Map.of("id", id, "name", "Spring on the box", "igAccountId", Deliveries.ACCOUNT))
                .post("/api/v1/campaigns").then().statusCode(201).body("id", equalTo(id));
        return id;
    }

    public static JsonNode newLink(String campaign, String channel, String label) throws Exception {
        String body = admin().body(Map.of("campaignId", campaign, "channel", channel, "label", label))
                .post("/api/v1/links").then().statusCode(201).extract().asString();
        return JSON.readTree(body);
    }

    /** Follows the tracked redirect as a phone would, once the ingress's directory has the link. */
    public static String redirect(String linkId, String userAgent) {
        Response[] answer = new Response[1];
        await().atMost(WAIT).until(() -> {
            answer[0] = given().redirects().follow(false).header("User-Agent", userAgent).get("/r/" + linkId);
            return answer[0].statusCode() != 404;
        });
        answer[0].then().statusCode(302).header("Cache-Control", "no-store");
        return answer[0].header("Location");
    }

    static String refOf(String igMeUrl) {
        return igMeUrl.substring(igMeUrl.indexOf("?ref=") + "?ref=".length());
    }

    @Test
    void aLinkLeadsThroughTheRedirectToASignedReferralThatJoinsItsClick_inEachScenario() throws Exception {
        String campaign = newCampaign();
        JsonNode link = newLink(campaign, "packaging", "Back of the box");
        String linkId = link.get("id").asText();
        assertEquals("https://ig.me/m/igme.test.shop?ref=" + link.get("ref").asText(), link.get("igMeUrl").asText());
        assertEquals("https://go.igme.test/r/" + linkId, link.get("trackedUrl").asText());
        assertTrue(link.get("ref").asText().startsWith(campaign + "-back-of-the-box="), link.get("ref").asText());

        // the QR code printed on the box: PNG and SVG read back to the tracked URL, the direct one to the ig.me URL
        byte[] png = viewer().get(link.get("qrPngUrl").asText()).then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        assertEquals(link.get("trackedUrl").asText(), QrImages.decodePng(png));
        String svg = viewer().get(link.get("qrSvgUrl").asText() + "?ecc=H&margin=2&size=300").then().statusCode(200)
                .contentType(startsWith("image/svg+xml")).extract().asString();
        assertEquals(link.get("trackedUrl").asText(), QrImages.decodeSvg(svg));
        byte[] direct = viewer().get(link.get("qrPngUrl").asText() + "?target=direct").then().statusCode(200)
                .extract().asByteArray();
        assertEquals(link.get("igMeUrl").asText(), QrImages.decodePng(direct));
        String scanned = QrImages.decodePng(png);
        String path = scanned.substring("https://go.igme.test".length());

        String iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        assertEquals("/r/" + linkId, path, "the scanned code leads to the redirect");
        for (String scenario : List.of("ICEBREAKER_POSTBACK", "NEW_THREAD_MESSAGE", "EXISTING_THREAD_REFERRAL")) {
            String location = redirect(linkId, iphone);
            assertTrue(location.startsWith("https://ig.me/m/igme.test.shop?ref=" + campaign + "-back-of-the-box="), location);
            String ref = refOf(location);
            RefCodec.Decoded decoded = Refs.service().decode(ref, Instant.now());
            assertNotNull(decoded.parts().clickId(), "the redirect adds a click id: " + ref);
            String click = decoded.parts().clickId();

            String user = Deliveries.newUser();
            long now = System.currentTimeMillis();
            byte[] delivery = switch (scenario) {
                case "ICEBREAKER_POSTBACK" -> Deliveries.icebreakerTap(user, now, "pb-" + user, ref);
                case "NEW_THREAD_MESSAGE" -> Deliveries.typedMessageReferral(user, now, "m-" + user, ref);
                default -> Deliveries.existingThreadReferral(user, now, ref);
            };
            Webhook.postSigned(delivery).then().statusCode(200);

            JsonNode event = event(user);
            assertEquals(scenario, event.get("scenario").asText());
            assertEquals("VERIFIED", event.get("refStatus").asText());
            assertEquals(linkId, event.get("linkId").asText());
            assertEquals(campaign, event.get("campaign").asText());
            assertEquals("packaging", event.get("channel").asText());
            assertEquals(click, event.get("clickId").asText());
            assertTrue(event.get("externalId").isNull());

            await().atMost(WAIT).until(() -> !Db.rows(pool, "SELECT device, bot FROM link_click WHERE click_id = $1", click)
                    .isEmpty());
            Map<String, Object> stored = Db.rows(pool, "SELECT device, bot FROM link_click WHERE click_id = $1", click).get(0);
            assertEquals("ios", stored.get("device"));
            assertEquals(false, stored.get("bot"));
        }
        viewer().get("/api/v1/attributions?refPrefix=" + campaign + "-").then().statusCode(200)
                .body("items.size()", equalTo(3)).body("items[0].linkId", equalTo(linkId));
    }

    @Test
    void aRuleForACampaignAndChannelRepliesToItsLinksOnly() throws Exception {
        String campaign = newCampaign();
        String pack = newLink(campaign, "packaging", "Lid").get("id").asText();
        String board = newLink(campaign, "billboard", "Station").get("id").asText();
        admin().body(Map.of("name", "coupon-" + campaign, "campaigns", List.of(campaign), "channels", List.of("packaging"),
                "message", Map.of("text", "Thanks for scanning the {channel} of {campaign}!")))
                .post("/api/v1/reply-rules").then().statusCode(201);
        String packUser = Deliveries.newUser();
        String boardUser = Deliveries.newUser();
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(packUser)))
                .willReturn(aResponse().withStatus(200).withBody("{\"recipient_id\":\"x\",\"message_id\":\"m-" + packUser + "\"}")));

        Webhook.postSigned(Deliveries.existingThreadReferral(packUser, System.currentTimeMillis(),
                refOf(redirect(pack, "Mozilla/5.0 (Android 15)")))).then().statusCode(200);
        Webhook.postSigned(Deliveries.existingThreadReferral(boardUser, System.currentTimeMillis(),
                refOf(redirect(board, "Mozilla/5.0 (Android 15)")))).then().statusCode(200);

        await().atMost(WAIT).until(() -> !graph.findAll(postRequestedFor(urlMatching("/ig/.*"))
                .withRequestBody(matchingJsonPath("$.recipient.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(packUser)))).isEmpty());
        String sent = graph.findAll(postRequestedFor(urlMatching("/ig/.*"))
                .withRequestBody(matchingJsonPath("$.recipient.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(packUser)))).get(0).getBodyAsString();
        assertTrue(sent.contains("Thanks for scanning the packaging of " + campaign + "!"), sent);
        event(boardUser);
        await().atMost(WAIT).until(() -> !Db.rows(pool, "SELECT status FROM reply WHERE igsid = $1", boardUser).isEmpty());
        assertEquals("SKIPPED_NO_RULE", Db.rows(pool, "SELECT status FROM reply WHERE igsid = $1", boardUser).get(0).get("status"),
                "the billboard link is not the rule's channel");
    }

    @Test
    void previewBotsAreSentToThePlainLinkAndCountedApart() throws Exception {
        String campaign = newCampaign();
        String linkId = newLink(campaign, "web", "Contact page").get("id").asText();

        String location = redirect(linkId, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)");

        RefCodec.Decoded decoded = Refs.service().decode(refOf(location), Instant.now());
        assertNull(decoded.parts().clickId(), "a bot gets no click id");
        ConsumerRecord<String, byte[]> click = TopicReader.await(bootstrap, ClickPublisher.TOPIC,
                r -> linkId.equals(r.key()), WAIT);
        JsonNode json = JSON.readTree(click.value());
        assertEquals("facebookexternalhit", json.get("bot").asText());
    }

    @Test
    void unknownArchivedAndExpiredLinksGetAPageNotJson() throws Exception {
        given().redirects().follow(false).get("/r/NoSuchLink1").then().statusCode(404)
                .contentType(startsWith("text/html")).header("Cache-Control", "no-store")
                .body(containsString("does not exist"));

        String campaign = newCampaign();
        String linkId = newLink(campaign, "billboard", "A7 northbound").get("id").asText();
        redirect(linkId, "Mozilla/5.0 (Linux; Android 15)");
        admin().post("/api/v1/links/" + linkId + "/archive").then().statusCode(200).body("archivedAt", org.hamcrest.Matchers.notNullValue());
        await().atMost(WAIT).until(() -> given().redirects().follow(false).get("/r/" + linkId).statusCode() == 410);
        given().redirects().follow(false).get("/r/" + linkId).then().statusCode(410)
                .contentType(startsWith("text/html")).body(containsString("no longer active"));
    }

    @Test
    void tamperedExpiredAndRotatedRefsAreRecordedNeverDropped() throws Exception {
        String campaign = newCampaign();
        JsonNode link = newLink(campaign, "sms", "Callers");
        String linkId = link.get("id").asText();
        String ref = link.get("ref").asText();
        String slug = ref.substring(0, ref.indexOf('='));

        String tampered = ref.substring(0, 3) + (ref.charAt(3) == 'a' ? 'b' : 'a') + ref.substring(4);
        String expired = Refs.service().mint(new RefCodec.Parts(slug, linkId, null, Instant.now().minusSeconds(5), null));
        String rotated = Refs.signingWith(Refs.PREVIOUS).mint(new RefCodec.Parts(slug, linkId, null, null, null));
        String retired = Refs.signingWith(Refs.UNKNOWN).mint(new RefCodec.Parts(slug, linkId, null, null, null));

        Map<String, String> expected = Map.of(tampered, "TAMPERED", expired, "EXPIRED", rotated, "VERIFIED",
                retired, "UNKNOWN_KEY", "typed-" + campaign, "FOREIGN");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String user = Deliveries.newUser();
            Webhook.postSigned(Deliveries.existingThreadReferral(user, System.currentTimeMillis(), e.getKey()))
                    .then().statusCode(200);
            JsonNode event = event(user);
            assertEquals(e.getValue(), event.get("refStatus").asText(), e.getKey());
            assertEquals(e.getKey(), event.get("ref").asText(), "the ref itself is kept");
            boolean verified = e.getValue().equals("VERIFIED") || e.getValue().equals("EXPIRED");
            assertEquals(verified ? linkId : null, event.get("linkId").isNull() ? null : event.get("linkId").asText());
            assertEquals(verified ? campaign : null, event.get("campaign").isNull() ? null : event.get("campaign").asText());
        }
    }

    @Test
    void aPersonalRefBindsTheUserToTheExternalIdInTheApiAndOnTheEvent() throws Exception {
        String campaign = newCampaign();
        String linkId = newLink(campaign, "email", "Order confirmation").get("id").asText();
        String externalId = "customer-" + ThreadLocalRandom.current().nextInt(1_000_000);

        String personal = admin().body(Map.of("externalId", externalId)).post("/api/v1/links/" + linkId + "/refs")
                .then().statusCode(201).extract().path("ref");
        assertTrue(!personal.contains(externalId), "the external id is sealed: " + personal);
        String user = Deliveries.newUser();
        Webhook.postSigned(Deliveries.typedMessageReferral(user, System.currentTimeMillis(), "m-" + user, personal))
                .then().statusCode(200);

        JsonNode event = event(user);
        assertEquals("VERIFIED", event.get("refStatus").asText());
        assertEquals(externalId, event.get("externalId").asText());
        await().atMost(WAIT).until(() -> viewer().get("/api/v1/identities?externalId=" + externalId).statusCode() == 200
                && viewer().get("/api/v1/identities?externalId=" + externalId).jsonPath().getList("$").size() == 1);
        viewer().get("/api/v1/identities?externalId=" + externalId).then()
                .body("[0].igsid", equalTo(user)).body("[0].igAccountId", equalTo(Deliveries.ACCOUNT))
                .body("[0].linkId", equalTo(linkId));
        viewer().get("/api/v1/identities/" + Deliveries.ACCOUNT + "/" + user).then().statusCode(200)
                .body("[0].externalId", equalTo(externalId));
        viewer().get("/api/v1/identities/" + Deliveries.ACCOUNT + "/" + Deliveries.newUser()).then().statusCode(404);
    }

    @Test
    void badInputGetsA400NamingTheField() {
        String campaign = newCampaign();
        admin().body(Map.of("id", campaign, "name", "again", "igAccountId", Deliveries.ACCOUNT))
                .post("/api/v1/campaigns").then().statusCode(409).body("field", equalTo("id"));
        admin().body(Map.of("id", "Bad Id", "name", "x", "igAccountId", Deliveries.ACCOUNT))
                .post("/api/v1/campaigns").then().statusCode(400).body("field", equalTo("id"));
        admin().body(Map.of("id", "other-account", "name", "x", "igAccountId", "999"))
                .post("/api/v1/campaigns").then().statusCode(400).body("field", equalTo("igAccountId"));
        admin().body(Map.of("campaignId", campaign, "channel", "radio", "label", "x"))
                .post("/api/v1/links").then().statusCode(400).body("field", equalTo("channel"));
        admin().body(Map.of("campaignId", campaign, "channel", "web"))
                .post("/api/v1/links").then().statusCode(400).body("field", equalTo("label"));
        admin().body(Map.of("campaignId", "nope", "channel", "web", "label", "x"))
                .post("/api/v1/links").then().statusCode(400).body("field", equalTo("campaignId"));
        admin().body(Map.of("campaignId", campaign, "channel", "web", "label", "x", "expiresAt", "2020-01-01T00:00:00Z"))
                .post("/api/v1/links").then().statusCode(400).body("field", equalTo("expiresAt"));
        admin().body(Map.of("campaignId", campaign, "channel", "web", "label", "x", "slug", "Not A Slug"))
                .post("/api/v1/links").then().statusCode(400).body("field", equalTo("slug"));
        viewer().get("/api/v1/links?channel=radio").then().statusCode(400).body("field", equalTo("channel"));
        viewer().contentType("application/json").body(Map.of()).post("/api/v1/links").then().statusCode(403);
        admin().body(Map.of("externalId", "")).post("/api/v1/links/NoSuchLink1/refs").then().statusCode(400)
                .body("field", equalTo("externalId"));
        viewer().get("/api/v1/identities").then().statusCode(400).body("field", equalTo("externalId"));
        String link = admin().body(Map.of("campaignId", campaign, "channel", "web", "label", "QR"))
                .post("/api/v1/links").then().statusCode(201).extract().path("id");
        viewer().get("/api/v1/links/" + link + "/qr.png?size=10").then().statusCode(400).body("field", equalTo("size"));
        viewer().get("/api/v1/links/" + link + "/qr.png?size=100000").then().statusCode(400).body("field", equalTo("size"));
        viewer().get("/api/v1/links/" + link + "/qr.svg?ecc=X").then().statusCode(400).body("field", equalTo("ecc"));
        viewer().get("/api/v1/links/" + link + "/qr.svg?margin=-1").then().statusCode(400).body("field", equalTo("margin"));
        viewer().get("/api/v1/links/" + link + "/qr.png?target=elsewhere").then().statusCode(400)
                .body("field", equalTo("target"));
        viewer().get("/api/v1/links/NoSuchLink1/qr.png").then().statusCode(404);
    }

    private JsonNode event(String user) throws Exception {
        ConsumerRecord<String, byte[]> record = TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> r.key() != null && r.key().endsWith(":" + user), WAIT);
        return JSON.readTree(record.value());
    }
}
