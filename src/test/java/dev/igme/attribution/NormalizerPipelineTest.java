package dev.igme.attribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.Fixtures;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDelivery;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** A signed POST to the webhook, through the real broker and database, to rows and events. */
@QuarkusTest
class NormalizerPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Pool pool;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = NormalizerPipelineTest.class.getResourceAsStream(
                "/META-INF/resources/schemas/attribution-event-v1.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "scenario1-icebreaker-postback.json, ICEBREAKER_POSTBACK, pack-qr_spring=42, 6221000000000042",
            "scenario2-new-thread-typed-message.json, NEW_THREAD_MESSAGE, billboard-a7, 6221000000000043",
            "scenario3-existing-thread-referral.json, EXISTING_THREAD_REFERRAL, spring-qr_pack=42, 6221000000000042"})
    void eachScenarioBecomesOneRowAndOneValidEventAndOpensTheWindow(String fixture, Scenario scenario, String ref,
            String igsid) throws IOException {
        byte[] body = Fixtures.bytes("normalizer/" + fixture);
        Webhook.postSigned(body).then().statusCode(200);

        ConsumerRecord<String, byte[]> record = TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> contains(r, "\"ref\":\"" + ref + "\"") && contains(r, "\"scenario\":\"" + scenario + "\""), WAIT);
        JsonNode event = JSON.readTree(record.value());
        assertValid(event);
        assertEquals(Deliveries.ACCOUNT + ":" + igsid, record.key());
        assertEquals(scenario.newThread(), event.get("newThread").asBoolean());
        assertEquals(Instant.ofEpochMilli(1767225600377L), Instant.parse(event.get("occurredAt").asText()));

        String id = event.get("attributionId").asText();
        List<Map<String, Object>> rows = Db.rows(pool, "SELECT * FROM attribution WHERE attribution_id = $1", id);
        assertEquals(1, rows.size());
        assertEquals(scenario.name(), rows.get(0).get("scenario"));
        assertEquals(ref, rows.get(0).get("ref"));
        assertEquals(igsid, rows.get(0).get("igsid"));

        OffsetDateTime lastInbound = (OffsetDateTime) Db.rows(pool,
                "SELECT last_inbound_at FROM conversation WHERE ig_account_id = $1 AND igsid = $2",
                Deliveries.ACCOUNT, igsid).get(0).get("last_inbound_at");
        assertFalse(lastInbound.toInstant().isBefore(Instant.ofEpochMilli(1767225600377L)));
    }

    @Test
    void sameDeliveryPostedTwiceIsOneRowAndRepeatedEventsKeepTheirId() {
        String user = Deliveries.newUser();
        String ref = "dup-" + UUID.randomUUID();
        byte[] body = Deliveries.existingThreadReferral(user, 1767225600377L, ref);
        Webhook.postSigned(body).then().statusCode(200);
        Webhook.postSigned(body).then().statusCode(200); // Meta's retry

        await().atMost(WAIT).until(() -> TopicReader.all(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> contains(r, ref)).size() == 2);
        Set<String> ids = Set.copyOf(TopicReader.all(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC, r -> contains(r, ref))
                .stream().map(r -> field(r, "attributionId")).toList());
        assertEquals(1, ids.size(), "both events carry the same attributionId");
        assertEquals(1, Db.rows(pool, "SELECT 1 FROM attribution WHERE ref = $1", ref).size());
    }

    @Test
    void unparseableDeliveryIsDeadLetteredWithItsReasonAndBytes() {
        byte[] body = ("{\"object\":\"instagram\",\"entry\":[" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String deliveryId = Webhook.postSigned(body).then().statusCode(200).extract().header("X-Igme-Delivery-Id");

        ConsumerRecord<String, byte[]> letter = TopicReader.await(bootstrap, NormalizerOutput.DEAD_LETTERS_TOPIC,
                r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)), WAIT);
        assertEquals(new String(body, StandardCharsets.UTF_8), new String(letter.value(), StandardCharsets.UTF_8));
        assertTrue(TopicReader.header(letter, NormalizerOutput.Headers.REASON).startsWith("not valid JSON"));
        assertEquals("delivery", TopicReader.header(letter, NormalizerOutput.Headers.PATH));
        assertTrue(TopicReader.header(letter, NormalizerOutput.Headers.ORIGIN).startsWith("instagram.webhook.raw/"));
    }

    @Test
    void nonInstagramObjectIsDeadLettered() {
        String deliveryId = Webhook.postSigned(Fixtures.bytes("normalizer/not-instagram-object.json"))
                .then().statusCode(200).extract().header("X-Igme-Delivery-Id");
        ConsumerRecord<String, byte[]> letter = TopicReader.await(bootstrap, NormalizerOutput.DEAD_LETTERS_TOPIC,
                r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)), WAIT);
        assertEquals("\"object\" is \"page\", expected \"instagram\"", TopicReader.header(letter, NormalizerOutput.Headers.REASON));
    }

    @Test
    void badItemIsDeadLetteredWhileTheGoodItemNextToItIsProcessed() {
        String user = Deliveries.newUser();
        String ref = "good-" + UUID.randomUUID();
        byte[] body = Deliveries.envelope(
                "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + Deliveries.ACCOUNT
                        + "\"},\"timestamp\":1767225600377,\"referral\":{\"ref\":\"" + ref + "\"}}",
                "{\"recipient\":{\"id\":\"" + Deliveries.ACCOUNT + "\"},\"timestamp\":1,\"referral\":{\"ref\":\"orphan\"}}");
        String deliveryId = Webhook.postSigned(body).then().statusCode(200).extract().header("X-Igme-Delivery-Id");

        ConsumerRecord<String, byte[]> letter = TopicReader.await(bootstrap, NormalizerOutput.DEAD_LETTERS_TOPIC,
                r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)), WAIT);
        assertEquals("sender.id is missing", TopicReader.header(letter, NormalizerOutput.Headers.REASON));
        assertEquals("entry[0].messaging[1]", TopicReader.header(letter, NormalizerOutput.Headers.PATH));
        assertTrue(new String(letter.value(), StandardCharsets.UTF_8).contains("orphan"));
        TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC, r -> contains(r, ref), WAIT);
        assertEquals(1, Db.rows(pool, "SELECT 1 FROM attribution WHERE ref = $1", ref).size());
    }

    @Test
    void windowFollowsItemTimestampsNotArrivalOrderAndEchoesMoveTheBusinessClock() {
        String user = Deliveries.newUser();
        long later = 1767225900000L;
        long earlier = 1767225600000L;
        Webhook.postSigned(Deliveries.message(user, later, "mid-later-" + user, "second")).then().statusCode(200);
        Webhook.postSigned(Deliveries.message(user, earlier, "mid-earlier-" + user, "first, delivered late"))
                .then().statusCode(200);
        Webhook.postSigned(Deliveries.echo(user, later + 5000, "mid-echo-" + user)).then().statusCode(200);
        // a referral marks the end of this user's deliveries: once its event is out, all were processed
        String marker = "marker-" + UUID.randomUUID();
        Webhook.postSigned(Deliveries.existingThreadReferral(user, earlier - 1000, marker)).then().statusCode(200);
        TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC, r -> contains(r, marker), WAIT);

        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Object> conversation = Db.rows(pool,
                    "SELECT last_inbound_at, last_business_message_at FROM conversation WHERE ig_account_id = $1 AND igsid = $2",
                    Deliveries.ACCOUNT, user).get(0);
            assertEquals(Instant.ofEpochMilli(later), ((OffsetDateTime) conversation.get("last_inbound_at")).toInstant());
            assertEquals(Instant.ofEpochMilli(later + 5000),
                    ((OffsetDateTime) conversation.get("last_business_message_at")).toInstant());
        });
    }

    @Test
    void dashboardTestDeliveryIsRecordedAsTestAndOpensNoWindow() throws IOException {
        Webhook.postSigned(Fixtures.bytes("normalizer/dashboard-test-changes-shape.json")).then().statusCode(200);
        ConsumerRecord<String, byte[]> record = TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> contains(r, "dashboard-sample"), WAIT);
        JsonNode event = JSON.readTree(record.value());
        assertValid(event);
        assertTrue(event.get("test").asBoolean());
        assertTrue(Db.rows(pool, "SELECT 1 FROM conversation WHERE igsid = '12334'").isEmpty());
    }

    @Test
    void adsEventCarriesItsContextAndValidates() throws IOException {
        Webhook.postSigned(Fixtures.bytes("normalizer/ads-referral.json")).then().statusCode(200);
        JsonNode event = JSON.readTree(TopicReader.await(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> contains(r, "summer-sale"), WAIT).value());
        assertValid(event);
        assertEquals("ADS", event.get("sourceCategory").asText());
        assertEquals("Summer sale", event.get("adsContext").get("ad_title").asText());
        assertTrue(event.get("postbackTitle").isNull(), "absent values are null, not omitted");
        assertNull(Db.rows(pool, "SELECT postback_title FROM attribution WHERE ad_id = '120210000000000001'").get(0)
                .get("postback_title"));
    }

    private static void assertValid(JsonNode event) {
        Set<ValidationMessage> problems = schema.validate(event);
        assertTrue(problems.isEmpty(), "event matches attribution-event-v1.schema.json: " + problems);
    }

    private static boolean contains(ConsumerRecord<String, byte[]> record, String text) {
        return new String(record.value(), StandardCharsets.UTF_8).contains(text);
    }

    private static String field(ConsumerRecord<String, byte[]> record, String name) {
        try {
            return JSON.readTree(record.value()).get(name).asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
