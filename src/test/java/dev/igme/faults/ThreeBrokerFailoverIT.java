package dev.igme.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.testing.FakeSendApi;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaCluster;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;
import dev.igme.webhook.RawDelivery;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;

/**
 * A real cluster's fault: three KRaft nodes, every topic with three replicas and
 * {@code min.insync.replicas=2} as the deploy files promise, and the packaged service (all roles)
 * pointed at all three. Under a bounded stream of signed webhook POSTs the node that leads every
 * partition of the raw topic dies. The webhook may answer 503 while the leader moves, never
 * anything else; whatever it answered 200 is on the raw topic and normalised exactly once; and
 * the normalizer and the replier go on after the move.
 *
 * <p>Shown failing without the replication: with the raw topic on the killed node alone, no
 * partition gets a leader again and the test stops at "another in-sync replica leads".
 *
 * <p>The senders do not retry a 503 here (Meta would): a retry is a new delivery id whose item
 * has the same attribution id, so counting rows by delivery id would no longer tell whether the
 * 200-answered delivery itself was normalised.
 */
class ThreeBrokerFailoverIT {

    private static final int SENDERS = 4;
    private static final int PER_SENDER = 60;
    private static final String SECRET = "failover-it-secret";
    /** The node made leader of every raw-topic partition, and killed. */
    private static final int LEADER = 1;
    private static KafkaCluster kafka;
    private static Postgres postgres;
    private static FakeSendApi graph;
    private static ServiceProcess service;

    @BeforeAll
    static void infrastructure() throws Exception {
        postgres = Postgres.onFreePort();
        CompletableFuture<Void> db = CompletableFuture.runAsync(postgres::start);
        kafka = new KafkaCluster().start();
        kafka.createTopics(InfrastructureResource.TOPICS, RawDeliveryPublisher.TOPIC, LEADER);
        graph = FakeSendApi.start(0);
        db.join();
        Map<String, String> config = ServiceProcess.configFor(kafka.bootstrapServers(), postgres, SECRET, Deliveries.ACCOUNT,
                graph.url(), Path.of("src/test/resources/rules/test-rules.json"));
        config.put("igme.reply.dispatch-interval", "200ms");
        Path log = Path.of("target", "three-broker-failover-it.log");
        Files.deleteIfExists(log);
        service = new ServiceProcess(ServiceProcess.packagedJar(), config, log).start("-Xmx256m");
    }

    @AfterAll
    static void stop() {
        FakeSendApi.closeAll(service, graph, kafka, postgres);
    }

    /** One POST and what the webhook said. */
    private record Answer(String user, int status, String deliveryId) {
    }

    @Test
    void leaderOfTheRawTopicDiesUnderLoad() throws Exception {
        await("node " + LEADER + " leads every raw-topic partition").atMost(Duration.ofSeconds(60))
                .until(() -> Set.copyOf(kafka.leaders(RawDeliveryPublisher.TOPIC).values()).equals(Set.of(LEADER)));
        String run = UUID.randomUUID().toString().substring(0, 8);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < PER_SENDER; i++) {
                    answers.add(postDelivery(client, "file-rule-fo-" + run + "-" + sender + "-" + i + "-qr"));
                    sent.incrementAndGet();
                    sleep(30);
                }
            }, threads));
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= SENDERS * PER_SENDER / 3);
        kafka.kill(LEADER);
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        threads.shutdown();
        await("another in-sync replica leads every raw-topic partition").atMost(Duration.ofSeconds(90))
                .until(() -> kafka.leaders(RawDeliveryPublisher.TOPIC).values().stream().allMatch(l -> l != LEADER && l > 0));

        // a delivery after the leader moved: answered 200 (bounded retries) and then followed end to end
        Answer afterMove = null;
        for (int attempt = 0; attempt < 60 && (afterMove == null || afterMove.status() != 200); attempt++) {
            if (afterMove != null) {
                sleep(1000);
            }
            afterMove = postDelivery(client, "file-rule-fo-" + run + "-after-" + attempt + "-qr");
        }
        assertEquals(200, afterMove.status(), "the webhook takes deliveries again once the leader moved");

        Map<Integer, Long> byStatus = answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new,
                Collectors.counting()));
        System.out.println("Raw-topic leader killed under load: answers by status " + byStatus);
        assertEquals(Set.of(), answers.stream().map(Answer::status).filter(s -> s != 200 && s != 503)
                .collect(Collectors.toSet()), "only 200 or 503 answers: " + byStatus);
        List<Answer> stored = new ArrayList<>(answers.stream().filter(a -> a.status() == 200).toList());
        assertTrue(stored.size() >= SENDERS * PER_SENDER / 3, "most deliveries stored: " + byStatus);
        stored.add(afterMove);
        for (Answer answer : stored) {
            assertTrue(answer.deliveryId() != null, "a 200 names its delivery");
        }

        Map<String, Integer> onTopic = deliveryIdsOnRawTopic();
        List<String> missing = stored.stream().map(Answer::deliveryId).filter(id -> !onTopic.containsKey(id)).toList();
        assertEquals(List.of(), missing, "every delivery answered 200 is on the raw topic");

        List<String> ids = stored.stream().map(Answer::deliveryId).toList();
        try (Connection db = DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD)) {
            await("every stored delivery normalised").atMost(Duration.ofSeconds(180))
                    .until(() -> rowsByDeliveryId(db, ids).size() == ids.size());
            Map<String, Long> rows = rowsByDeliveryId(db, ids);
            assertEquals(Map.of(), rows.entrySet().stream().filter(e -> e.getValue() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                    "every delivery answered 200 is exactly one attribution row");

            // the replier goes on: every stored delivery's user, the one sent after the move included, gets its reply once
            List<String> users = stored.stream().map(Answer::user).toList();
            await("every stored delivery replied to").atMost(Duration.ofSeconds(180))
                    .until(() -> sentReplies(db, users) == users.size());
        }
        Map<Integer, Long> callsPerUser = new TreeMap<>();
        for (Answer answer : stored) {
            int calls = graph.calls(answer.user()).size();
            callsPerUser.merge(calls, 1L, Long::sum);
        }
        System.out.println("Send API calls per stored delivery's user: " + callsPerUser);
        assertEquals(Map.of(1, (long) stored.size()), callsPerUser, "one Send API call per stored delivery");
    }

    private static Answer postDelivery(HttpClient client, String ref) {
        String user = Deliveries.newUser();
        byte[] body = Deliveries.existingThreadReferral(user, Instant.now().minusSeconds(30).toEpochMilli(), ref);
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + WebhookRoute.PATH))
                    .timeout(Duration.ofSeconds(30))
                    .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign(SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            return new Answer(user, response.statusCode(), response.headers().firstValue(WebhookRoute.DELIVERY_ID_HEADER)
                    .orElse(null));
        } catch (Exception noAnswer) {
            return new Answer(user, -1, null); // no HTTP answer at all: counted as neither 200 nor 503
        }
    }

    /** Delivery id → number of records carrying it, over the whole raw topic. */
    private static Map<String, Integer> deliveryIdsOnRawTopic() {
        Map<String, Integer> ids = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(RawDeliveryPublisher.TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "the raw topic could be read to its end");
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    ids.merge(RawDelivery.header(record, RawDelivery.Headers.DELIVERY_ID), 1, Integer::sum);
                }
            }
        }
        return ids;
    }

    private static Map<String, Long> rowsByDeliveryId(Connection db, List<String> ids) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT delivery_id, count(*) FROM attribution WHERE delivery_id = ANY (?) GROUP BY delivery_id")) {
            s.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet result = s.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), result.getLong(2));
                }
            }
        }
        return rows;
    }

    private static long sentReplies(Connection db, List<String> users) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT count(*) FROM reply WHERE status = 'SENT' AND igsid = ANY (?)")) {
            s.setArray(1, db.createArrayOf("text", users.toArray()));
            try (ResultSet result = s.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
