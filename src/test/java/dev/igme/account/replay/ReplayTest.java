package dev.igme.account.replay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.account.AccountProfile;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDelivery;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

/** Replay and re-drive through the normalizer's own path: idempotent, resumable, and emptying what a fix covers. */
@QuarkusTest
@TestProfile(AccountProfile.class)
class ReplayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACCOUNT = Deliveries.ACCOUNT;

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @Inject
    Replays replays;

    @Test
    void replayingARangeWithRepliedReferralsRepublishesTheSameIdsAndSendsNothingNew() throws Exception {
        String prefix = "rpl-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        createRule(prefix);
        List<String> users = List.of(Deliveries.newUser(), Deliveries.newUser());
        for (String user : users) {
            graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"recipient_id\":\"x\",\"message_id\":\"m_" + user + "\"}")));
        }
        Instant from = Instant.now().minusMillis(500);
        for (String user : users) {
            Webhook.postSigned(Deliveries.existingThreadReferral(user, System.currentTimeMillis(), prefix + user))
                    .then().statusCode(200);
        }
        await().atMost(WAIT).until(() -> Db.rows(pool, "SELECT 1 FROM reply WHERE ref LIKE $1 AND status = 'SENT'",
                prefix + "%").size() == 2);
        Instant to = Instant.now().plusMillis(500);
        Set<String> ids = Db.rows(pool, "SELECT attribution_id FROM attribution WHERE ref LIKE $1", prefix + "%").stream()
                .map(r -> (String) r.get("attribution_id")).collect(Collectors.toSet());
        assertEquals(2, ids.size());

        Map<String, Object> plan = admin().body(Map.of("from", from.toString(), "to", to.toString(), "dryRun", true))
                .when().post("/api/v1/replays").then().statusCode(200).extract().jsonPath().getMap("$");
        long total = ((Number) plan.get("total")).longValue();
        assertTrue(total >= 2, "the dry run counts the raw records in the range: " + plan);

        long job = admin().body(Map.of("from", from.toString(), "to", to.toString()))
                .when().post("/api/v1/replays").then().statusCode(202).extract().jsonPath().getLong("id");
        Map<String, Object> done = awaitJob(job);
        assertEquals("DONE", done.get("status"));
        assertEquals(total, ((Number) done.get("processed")).longValue());

        // the events were published again, with the same ids
        await().atMost(WAIT).until(() -> TopicReader.all(bootstrap(), NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> ids.stream().anyMatch(id -> new String(r.value(), StandardCharsets.UTF_8).contains(id))).size() >= 4);
        // the replier has seen them again (its group caught up with them) and changed nothing
        await().atMost(WAIT).until(() -> dev.igme.testing.ConsumerLag.of(bootstrap(), "igme-replier",
                NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0);
        Thread.sleep(1000); // and the dispatcher had its rounds
        assertEquals(2, Db.rows(pool, "SELECT 1 FROM attribution WHERE ref LIKE $1", prefix + "%").size(), "no new row");
        assertEquals(2, Db.rows(pool, "SELECT 1 FROM reply WHERE ref LIKE $1", prefix + "%").size(), "one reply row each");
        for (String user : users) {
            assertEquals(1, graph.findAll(postRequestedFor(urlMatching("/ig/.*"))
                    .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))).size(), "no second reply");
        }
    }

    @Test
    void reDriveAfterAFixEmptiesWhatTheFixCoversAndKeepsTheRestWithTheirNewReason() {
        String ref = "rd-" + UUID.randomUUID().toString().substring(0, 8);
        String fixedDelivery = "fixed-delivery-" + UUID.randomUUID();
        String fixedItem = "fixed-item-" + UUID.randomUUID();
        String stillBad = "still-bad-" + UUID.randomUUID();
        String user = Deliveries.newUser();
        String item = "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + System.currentTimeMillis() + ",\"referral\":{\"ref\":\"" + ref + "-item\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}";
        // dead letters an older normalizer wrote: a whole delivery and one item it could not read then, and one
        // delivery no fix covers
        deadLetter(fixedDelivery, Deliveries.existingThreadReferral(user, System.currentTimeMillis(), ref + "-delivery"),
                "delivery", "unknown source (old parser)");
        deadLetter(fixedItem, item.getBytes(StandardCharsets.UTF_8), "entry[0].messaging[2]", "item not understood (old parser)");
        deadLetter(stillBad, "{\"object\":\"instagram\",\"entry\":".getBytes(StandardCharsets.UTF_8), "delivery", "old reason");

        long pending = admin().body(Map.of("dryRun", true)).when().post("/api/v1/dead-letters/redrive")
                .then().statusCode(200).extract().jsonPath().getLong("total");
        assertTrue(pending >= 3, "at least this test's three letters: " + pending);

        var started = admin().body(Map.of()).when().post("/api/v1/dead-letters/redrive").then().statusCode(202).extract().jsonPath();
        Map<String, Object> done = awaitJob(started.getLong("id"));
        assertEquals("DONE", done.get("status"));

        assertEquals(2, Db.rows(pool, "SELECT 1 FROM attribution WHERE ref LIKE $1", ref + "%").size(), "the fix covers these two");
        // what still fails is back on the topic, after the re-drive's end, with the reason of today's normalizer
        ConsumerRecord<String, byte[]> again = TopicReader.await(bootstrap(), NormalizerOutput.DEAD_LETTERS_TOPIC,
                r -> stillBad.equals(r.key()) && !"old reason".equals(TopicReader.header(r, NormalizerOutput.Headers.REASON)),
                WAIT);
        assertTrue(TopicReader.header(again, NormalizerOutput.Headers.REASON).startsWith("not valid JSON"),
                TopicReader.header(again, NormalizerOutput.Headers.REASON));
        assertTrue(TopicReader.header(again, NormalizerOutput.Headers.ORIGIN).startsWith(NormalizerOutput.DEAD_LETTERS_TOPIC + "/"));
        assertEquals(1, count(again, NormalizerOutput.Headers.REASON), "only the new reason");

        // the next re-drive would take only what failed again
        List<ConsumerRecord<String, byte[]>> remaining = TopicReader.all(bootstrap(), NormalizerOutput.DEAD_LETTERS_TOPIC,
                r -> r.offset() >= endOf(done, r.partition()));
        Set<String> keys = remaining.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
        assertTrue(keys.contains(stillBad));
        assertFalse(keys.contains(fixedDelivery) || keys.contains(fixedItem), keys.toString());
        long next = admin().body(Map.of("dryRun", true)).when().post("/api/v1/dead-letters/redrive")
                .then().statusCode(200).extract().jsonPath().getLong("total");
        assertEquals(remaining.size(), next);
    }

    @Test
    void aJobWhoseInstanceStoppedIsResumedFromItsStoredPositions() {
        String prefix = "rsm-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Instant from = Instant.now().minusMillis(500);
        for (int i = 0; i < 6; i++) {
            Webhook.postSigned(Deliveries.existingThreadReferral(Deliveries.newUser(), System.currentTimeMillis(), prefix + i))
                    .then().statusCode(200);
        }
        Instant to = Instant.now().plusMillis(500);
        Replays.Plan plan = replays.planReplay(from, to).await().atMost(WAIT);
        // a job some instance started, stored progress for, and then stopped: half of each partition left
        Map<Integer, ReplayJob.Range> half = new java.util.TreeMap<>();
        long left = 0;
        for (var e : plan.positions().entrySet()) {
            long middle = e.getValue().next() + e.getValue().remaining() / 2;
            half.put(e.getKey(), new ReplayJob.Range(middle, e.getValue().end()));
            left += e.getValue().end() - middle;
        }
        long stored = plan.total() - left;
        long id = (Long) Db.rows(pool, "INSERT INTO replay_job (kind, topic, status, positions, total, processed, owner,"
                + " heartbeat_at) VALUES ('REPLAY', $1, 'RUNNING', $2, $3, $4, 'stopped-instance', now() - interval '10 minutes')"
                + " RETURNING id", plan.topic(), positionsJson(half), plan.total(), stored).get(0).get("id");

        replays.resumeAbandoned().await().atMost(WAIT);

        Map<String, Object> done = awaitJob(id);
        assertEquals("DONE", done.get("status"));
        assertEquals(plan.total(), ((Number) done.get("processed")).longValue(), "stored progress plus the rest");
    }

    private static String positionsJson(Map<Integer, ReplayJob.Range> positions) {
        return positions.entrySet().stream().map(e -> "\"" + e.getKey() + "\":{\"next\":" + e.getValue().next() + ",\"end\":"
                + e.getValue().end() + "}").collect(Collectors.joining(",", "{", "}"));
    }

    @SuppressWarnings("unchecked")
    private static long endOf(Map<String, Object> job, int partition) {
        Map<String, Map<String, Number>> positions = (Map<String, Map<String, Number>>) job.get("positions");
        Map<String, Number> range = positions.get(String.valueOf(partition));
        return range == null ? 0 : range.get("end").longValue();
    }

    private static int count(ConsumerRecord<?, ?> record, String header) {
        int n = 0;
        for (var h : record.headers().headers(header)) {
            n++;
        }
        return n;
    }

    private Map<String, Object> awaitJob(long id) {
        await().atMost(WAIT).until(() -> !"RUNNING".equals(given().auth().oauth2(Tokens.viewer())
                .when().get("/api/v1/replays/" + id).then().statusCode(200).extract().jsonPath().getString("status")));
        return given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/replays/" + id).then().extract().jsonPath().getMap("$");
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType(ContentType.JSON);
    }

    private static void deadLetter(String key, byte[] value, String path, String reason) {
        RecordHeaders headers = new RawDelivery(key, Instant.now(), null, value).headers();
        headers.add(NormalizerOutput.Headers.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(NormalizerOutput.Headers.PATH, path.getBytes(StandardCharsets.UTF_8));
        headers.add(NormalizerOutput.Headers.ORIGIN, "instagram.webhook.raw/0/0".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(NormalizerOutput.DEAD_LETTERS_TOPIC, null, key, value, headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    static void createRule(String prefix) {
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},"
                        + "\"priority\":100,\"message\":{\"text\":\"hi\"}}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
    }

    private static String bootstrap() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
