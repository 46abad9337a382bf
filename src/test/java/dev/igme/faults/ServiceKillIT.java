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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.testing.FakeSendApi;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;

/**
 * The packaged service is killed (-9) in the middle of a stream of referrals that all match a reply
 * rule, and started again. Meta keeps retrying what was not answered 200. Nothing may be lost and no
 * customer may get a second message.
 */
class ServiceKillIT {

    private static final int DELIVERIES = 150;
    private static final String SECRET = "it-app-secret";
    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static FakeSendApi graph;
    private static ServiceProcess service;

    @BeforeAll
    static void infrastructure() throws Exception {
        kafka = KafkaBroker.onFreePorts().start();
        kafka.createTopics(InfrastructureResource.TOPICS);
        postgres = Postgres.onFreePort().start();
        graph = FakeSendApi.start(300); // slow, so that the kill finds calls in flight

        Map<String, String> config = ServiceProcess.configFor(kafka, postgres, SECRET, Deliveries.ACCOUNT,
                graph.url(), Path.of("src/test/resources/rules/test-rules.json"));
        config.put("igme.graph.request-timeout", "2s");
        config.put("igme.reply.sending-timeout", "5s");
        config.put("igme.reply.dispatch-interval", "200ms");
        Path log = Path.of("target", "service-kill-it.log");
        Files.deleteIfExists(log);
        service = new ServiceProcess(ServiceProcess.packagedJar(), config, log).start("-Xmx256m");
    }

    @AfterAll
    static void stop() {
        FakeSendApi.closeAll(service, graph, kafka, postgres);
    }

    @Test
    void killedMidStreamLosesNothingAndSendsNoSecondMessage() throws Exception {
        List<String> users = new ArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger meta503OrRefused = new AtomicInteger();
        CompletableFuture<Void> meta = CompletableFuture.runAsync(() -> {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (int i = 0; i < DELIVERIES; i++) {
                String user = Deliveries.newUser();
                synchronized (users) {
                    users.add(user);
                }
                byte[] body = Deliveries.existingThreadReferral(user, Instant.now().minusSeconds(30).toEpochMilli(),
                        "file-rule-" + i + "-qr");
                // like Meta: retry what was not answered 200
                while (true) {
                    try {
                        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                                + WebhookRoute.PATH)).timeout(Duration.ofSeconds(5))
                                .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign(SECRET, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            answered.incrementAndGet();
                            break;
                        }
                    } catch (Exception down) {
                        // the service is down: retry
                    }
                    meta503OrRefused.incrementAndGet();
                    sleep(200);
                }
                sleep(40);
            }
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= DELIVERIES / 3);
        service.kill();
        sleep(1000);
        service.start("-Xmx256m");
        meta.get();

        try (Connection db = DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> count(db,
                    "SELECT count(*) FROM reply WHERE status NOT IN ('PENDING', 'CLAIMED', 'SENDING') AND ref LIKE 'file-rule-%'") == DELIVERIES);
            assertEquals(DELIVERIES, count(db, "SELECT count(*) FROM attribution WHERE ref LIKE 'file-rule-%'"),
                    "every delivery is exactly one attribution");
            Map<String, Long> byStatus = new TreeMap<>();
            try (Statement s = db.createStatement();
                    ResultSet rows = s.executeQuery("SELECT status, count(*) FROM reply GROUP BY status")) {
                while (rows.next()) {
                    byStatus.put(rows.getString(1), rows.getLong(2));
                }
            }
            Map<String, Integer> callsPerUser = new HashMap<>();
            for (String user : users) {
                callsPerUser.put(user, graph.calls(user).size());
            }
            System.out.println("Service killed mid-stream: " + meta503OrRefused.get() + " deliveries retried by 'Meta', replies "
                    + byStatus + ", Send API calls per user " + new TreeMap<>(callsPerUser.values().stream()
                            .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()))));
            assertTrue(callsPerUser.values().stream().allMatch(calls -> calls <= 1), "no customer gets a second message");
            assertEquals(DELIVERIES, byStatus.getOrDefault("SENT", 0L) + byStatus.getOrDefault("FAILED_AMBIGUOUS", 0L),
                    "every reply is sent, or ambiguous because the kill caught it mid-call: " + byStatus);
            assertEquals(byStatus.getOrDefault("SENT", 0L),
                    callsPerUser.values().stream().filter(c -> c == 1).count() - ambiguousThatReachedMeta(db, callsPerUser),
                    "every SENT reply is one call");
        }
    }

    /** Ambiguous rows whose call did reach the fake before the kill (the case the policy exists for). */
    private static long ambiguousThatReachedMeta(Connection db, Map<String, Integer> callsPerUser) throws SQLException {
        long reached = 0;
        try (Statement s = db.createStatement();
                ResultSet rows = s.executeQuery("SELECT igsid FROM reply WHERE status = 'FAILED_AMBIGUOUS'")) {
            while (rows.next()) {
                reached += callsPerUser.getOrDefault(rows.getString(1), 0);
            }
        }
        return reached;
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
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
