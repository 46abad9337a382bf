package dev.igme.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.attribution.Scenario;
import dev.igme.attribution.SourceCategory;
import dev.igme.reply.outbox.ReplierDeadLetters;
import dev.igme.testing.FakeSendApi;
import dev.igme.testing.Deliveries;
import dev.igme.testing.FreePort;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;
import dev.igme.testing.TopicReader;
import io.restassured.path.json.JsonPath;

/**
 * A real cluster's faults around the replier (issue 16): two packaged replier processes on one
 * outbox and one attribution topic, each in its own consumer group (so both decide every
 * attribution and both dispatchers race for every row), with a per-account rate limit low enough
 * that claimed rows wait, and a {@code sending-timeout} short enough that a long wait is handed
 * back and claimed by the other process. Events go straight onto {@code instagram.attributions};
 * the Send API is WireMock, where every call is counted per recipient.
 */
class ReplierFaultsIT {

    private static final String SECRET = "replier-faults-secret";
    private static final String RULE_PREFIX = "rf-";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static FakeSendApi graph;
    private static ServiceProcess first;
    private static ServiceProcess second;

    @BeforeAll
    static void infrastructure() throws Exception {
        kafka = KafkaBroker.onFreePorts().start();
        kafka.createTopics(InfrastructureResource.TOPICS);
        postgres = Postgres.onFreePort().start();
        graph = FakeSendApi.start(50);

        Path rules = Path.of("target", "replier-faults-rules.json");
        Files.createDirectories(rules.getParent());
        Files.writeString(rules, "[{\"name\":\"replier-faults\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + RULE_PREFIX
                + "\"},\"message\":{\"text\":\"Thanks for {ref}\"}}]");
        Map<String, String> config = ServiceProcess.configFor(kafka, postgres, SECRET, Deliveries.ACCOUNT,
                graph.url(), rules);
        config.put("igme.roles", "replier");
        config.put("igme.reply.dispatch-interval", "200ms");
        // 8 calls/s per process: a claim of many rows waits, most of them CLAIMED, for its turn
        config.put("igme.accounts.\"" + Deliveries.ACCOUNT + "\".rate-limit", "8");
        // a row waiting longer than this is handed back and claimed by the other process
        config.put("igme.graph.request-timeout", "4s");
        config.put("igme.reply.sending-timeout", "6s");
        config.put("mp.messaging.incoming.attributions-in.max.poll.records", "20");
        Path firstLog = Path.of("target", "replier-faults-1.log");
        Path secondLog = Path.of("target", "replier-faults-2.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);
        config.put("mp.messaging.incoming.attributions-in.group.id", "igme-replier-first");
        first = new ServiceProcess(ServiceProcess.packagedJar(), config, firstLog).start("-Xmx192m");
        Map<String, String> other = new HashMap<>(config);
        other.put("quarkus.http.port", String.valueOf(FreePort.any()));
        other.put("mp.messaging.incoming.attributions-in.group.id", "igme-replier-second");
        second = new ServiceProcess(ServiceProcess.packagedJar(), other, secondLog).start("-Xmx192m");
    }

    @AfterAll
    static void stop() {
        FakeSendApi.closeAll(second, first, graph, kafka, postgres);
    }

    @Test
    void twoRepliersWithWaitingClaimsCallOncePerAttributionAndLeaveNothingClaimed() throws Exception {
        String run = RULE_PREFIX + "race-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        int attributions = 120;
        List<String> users = produce(run, attributions);

        Map<String, Long> byStatus = awaitAllFinal(run, attributions, Duration.ofSeconds(150));
        Map<String, Integer> calls = callsPerUser();
        List<String> twice = users.stream().filter(u -> calls.getOrDefault(u, 0) > 1).toList();
        System.out.println("Two repliers, rate-limited: replies " + byStatus + ", handed back to PENDING "
                + handBacks() + " time(s)");
        assertEquals(List.of(), twice, "no attribution gets a second Send API call");
        assertEquals(0, count("SELECT count(*) FROM reply WHERE ref LIKE '" + run + "%' AND status = 'CLAIMED'"),
                "none stays CLAIMED");
        assertEquals((long) attributions, byStatus.getOrDefault("SENT", 0L)
                + byStatus.getOrDefault("FAILED_AMBIGUOUS", 0L), "every reply is SENT, or ends with its reason: " + byStatus);
        assertEquals(0, count("SELECT count(*) FROM reply WHERE ref LIKE '" + run + "%' AND status <> 'SENT'"
                + " AND (last_error IS NULL OR last_error = '')"), "a reply not sent says why");
        long sentCalls = users.stream().filter(u -> calls.getOrDefault(u, 0) == 1).count();
        assertTrue(sentCalls >= byStatus.getOrDefault("SENT", 0L), "every SENT reply was called: " + sentCalls);
    }

    @Test
    void postgresRestartedWhileTheDispatcherSendsMakesNoSecondCallAndLeavesNothingOpen() throws Exception {
        String run = RULE_PREFIX + "pg-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        int attributions = 80;
        List<String> users = produce(run, attributions);
        // the database goes away while calls are being made: some sent, most still to come
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> users.stream().filter(callsPerUser()::containsKey).count() >= 10);
        postgres.stop();
        Thread.sleep(2000); // down for a while, as a restart or failover is
        postgres.start();

        Map<String, Long> byStatus = awaitAllFinal(run, attributions, Duration.ofSeconds(150));
        Map<String, Integer> calls = callsPerUser();
        System.out.println("PostgreSQL restarted while sending: replies " + byStatus);
        assertEquals(List.of(), users.stream().filter(u -> calls.getOrDefault(u, 0) > 1).toList(),
                "no reply gets a second Send API call");
        // SENDING may only have ended as the documented ambiguous case: a call whose outcome was not recorded
        assertEquals(0, count("SELECT count(*) FROM reply WHERE ref LIKE '" + run + "%' AND status = 'FAILED_AMBIGUOUS'"
                + " AND last_error NOT LIKE 'left SENDING by an instance that stopped mid-call%'"));
        assertEquals((long) attributions, byStatus.getOrDefault("SENT", 0L) + byStatus.getOrDefault("FAILED_AMBIGUOUS", 0L),
                "every reply is sent, or ends ambiguous with its reason: " + byStatus);
        assertTrue(byStatus.getOrDefault("SENT", 0L) > attributions / 2,
                "the replies not yet claimed when the database went away are sent after it is back: " + byStatus);
    }

    @Test
    void poisonRecordsOnTheAttributionTopicAreDeadLetteredAndTheNextEventIsRepliedTo() throws Exception {
        String run = RULE_PREFIX + "poison-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        String user = Deliveries.newUser();
        openWindow(user);
        AttributionEvent good = event(run + "good", user);
        AttributionEvent future = new AttributionEvent(2, "poison-" + run, good.scenario(), false, good.igAccountId(),
                Deliveries.newUser(), run + "v2", true, "SHORTLINK", SourceCategory.SHORTLINK, "OPEN_THREAD", null, null,
                null, null, null, null, good.occurredAt(), good.receivedAt(), "d", false, false, null, null, null, null,
                null, null);
        String notJson = "<html>" + run + " not an event</html>";
        // version 1, but without the igsid a reply needs: its insert used to fail and be retried forever
        com.fasterxml.jackson.databind.node.ObjectNode noIgsid = JSON.valueToTree(good);
        noIgsid.remove("igsid");
        noIgsid.put("attributionId", "poison-noigsid-" + run);
        noIgsid.put("ref", run + "noigsid");
        try (KafkaProducer<String, String> producer = producer()) {
            // one partition, one order: the poison first, then the good event behind it
            producer.send(new ProducerRecord<>(NormalizerOutput.ATTRIBUTIONS_TOPIC, good.key(), notJson)).get();
            producer.send(new ProducerRecord<>(NormalizerOutput.ATTRIBUTIONS_TOPIC, good.key(),
                    JSON.writeValueAsString(future))).get();
            producer.send(new ProducerRecord<>(NormalizerOutput.ATTRIBUTIONS_TOPIC, good.key(),
                    JSON.writeValueAsString(noIgsid))).get();
            producer.send(new ProducerRecord<>(NormalizerOutput.ATTRIBUTIONS_TOPIC, good.key(),
                    JSON.writeValueAsString(good))).get();
        }

        Map<String, Long> byStatus = awaitAllFinal(run, 1, Duration.ofSeconds(90));
        assertEquals(Map.of("SENT", 1L), byStatus, "the event behind the poison is replied to");
        assertEquals(1, callsPerUser().getOrDefault(user, 0));
        assertEquals(0, count("SELECT count(*) FROM reply WHERE ref = '" + run + "v2'"), "a version-2 event is not acted on");

        // each of the two processes dead-letters both records, with the reason
        await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.all(kafka.bootstrapServers(), ReplierDeadLetters.TOPIC,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(run)).size() == 6);
        Map<String, String> reasons = new TreeMap<>();
        TopicReader.all(kafka.bootstrapServers(), ReplierDeadLetters.TOPIC,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(run)).forEach(r -> reasons.put(
                        new String(r.value(), StandardCharsets.UTF_8).equals(notJson) ? "not json"
                                : new String(r.value(), StandardCharsets.UTF_8).contains("noigsid") ? "no igsid" : "version 2",
                        TopicReader.header(r, NormalizerOutput.Headers.REASON)));
        assertTrue(reasons.get("not json").startsWith("not an attribution event"), reasons.toString());
        assertTrue(reasons.get("version 2").contains("schemaVersion 2"), reasons.toString());
        assertTrue(reasons.get("no igsid").contains("igsid is missing"), reasons.toString());
        assertEquals(0, count("SELECT count(*) FROM reply WHERE ref = '" + run + "noigsid'"));
    }

    // --- helpers ---------------------------------------------------------------------------

    /** Opens the window of {@code count} new conversations and puts one matching event each on the topic. */
    private static List<String> produce(String refPrefix, int count) throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add(Deliveries.newUser());
        }
        for (String user : users) {
            openWindow(user);
        }
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < count; i++) {
                AttributionEvent event = event(refPrefix + i, users.get(i));
                producer.send(new ProducerRecord<>(NormalizerOutput.ATTRIBUTIONS_TOPIC, event.key(),
                        JSON.writeValueAsString(event)));
            }
            producer.flush();
        }
        return users;
    }

    private static AttributionEvent event(String ref, String user) {
        Instant now = Instant.now();
        return new AttributionEvent(AttributionEvent.SCHEMA_VERSION, "rf-" + ref, Scenario.EXISTING_THREAD_REFERRAL, false,
                Deliveries.ACCOUNT, user, ref, true, "SHORTLINK", SourceCategory.SHORTLINK, "OPEN_THREAD", null, null, null,
                null, null, null, now.minusSeconds(1), now, "d-" + ref, false, false, null, null, null, null, null, null);
    }

    private static void openWindow(String user) throws SQLException {
        try (Connection db = db(); PreparedStatement s = db.prepareStatement(
                "INSERT INTO conversation (ig_account_id, igsid, last_inbound_at) VALUES (?, ?, ?)")) {
            s.setString(1, Deliveries.ACCOUNT);
            s.setString(2, user);
            s.setTimestamp(3, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** Waits until every one of the run's attributions has a row in a final status; returns them by status. */
    private static Map<String, Long> awaitAllFinal(String refPrefix, int expected, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                count("SELECT count(*) FROM reply WHERE ref LIKE '" + refPrefix + "%'"
                        + " AND status NOT IN ('PENDING', 'CLAIMED', 'SENDING')") == expected);
        Map<String, Long> byStatus = new TreeMap<>();
        try (Connection db = db(); PreparedStatement s = db.prepareStatement(
                "SELECT status, count(*) FROM reply WHERE ref LIKE ? GROUP BY status")) {
            s.setString(1, refPrefix + "%");
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    byStatus.put(rows.getString(1), rows.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return byStatus;
    }

    private static Map<String, Integer> callsPerUser() {
        Map<String, Integer> calls = new HashMap<>();
        for (LoggedRequest call : graph.calls()) {
            calls.merge(new JsonPath(new String(call.getBody(), StandardCharsets.UTF_8)).getString("recipient.id"), 1,
                    Integer::sum);
        }
        return calls;
    }

    private static long handBacks() throws Exception {
        long n = 0;
        for (String log : List.of("replier-faults-1.log", "replier-faults-2.log")) {
            n += Files.readAllLines(Path.of("target", log)).stream().filter(l -> l.contains("handed back")).count();
        }
        return n;
    }

    private static long count(String sql) throws SQLException {
        try (Connection db = db(); PreparedStatement s = db.prepareStatement(sql); ResultSet rows = s.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD);
    }
}
