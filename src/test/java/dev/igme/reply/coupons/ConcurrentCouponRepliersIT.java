package dev.igme.reply.coupons;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.testing.FakeSendApi;
import dev.igme.testing.ConsumerLag;
import dev.igme.testing.Deliveries;
import dev.igme.testing.FreePort;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Two packaged replier processes on one database and one attribution topic, each in its own
 * consumer group, so that both decide every attribution at the same time: the worst case for
 * coupons (a rebalance, a replay, a second deployment). More conversations want a code than the
 * pool holds, and every conversation follows two links of the coupon rule. No code may go out
 * twice, no conversation may get two, and the pool must be used up.
 */
class ConcurrentCouponRepliersIT {

    private static final String SECRET = "coupon-it-secret";
    private static final int CONVERSATIONS = 40;
    private static final int CODES = 30;
    private static final String POOL = "it-next-purchase";
    private static final String REF = "coupon-it-";
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
        graph = FakeSendApi.start(20);

        Map<String, String> config = ServiceProcess.configFor(kafka, postgres, SECRET, Deliveries.ACCOUNT,
                graph.url(), Path.of("src/test/resources/rules/test-rules.json"));
        config.put("igme.reply.dispatch-interval", "200ms");
        config.put("igme.reply.rules-refresh-interval", "1s");
        config.put("igme.coupons.check-interval", "1s");
        // small batches, so that the two deciders interleave many times
        config.put("mp.messaging.incoming.attributions-in.max.poll.records", "5");
        Path firstLog = Path.of("target", "coupon-replier-1.log");
        Path secondLog = Path.of("target", "coupon-replier-2.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);
        first = new ServiceProcess(ServiceProcess.packagedJar(), config, firstLog).start("-Xmx256m");

        Map<String, String> replierOnly = new HashMap<>(config);
        replierOnly.put("quarkus.http.port", String.valueOf(FreePort.any()));
        replierOnly.put("igme.roles", "replier");
        replierOnly.put("mp.messaging.incoming.attributions-in.group.id", "igme-replier-second");
        second = new ServiceProcess(ServiceProcess.packagedJar(), replierOnly, secondLog).start("-Xmx256m");
    }

    @AfterAll
    static void stop() {
        FakeSendApi.closeAll(second, first, graph, kafka, postgres);
    }

    @Test
    void twoDecidersHandOutEveryCodeOnceAndNoConversationTwo() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String token = Jwt.issuer("https://igme.test/issuer").upn("it@igme.test").groups(Set.of("igme-admin"))
                .expiresIn(Duration.ofHours(1)).sign(KeyUtils.readPrivateKey("jwt/private.pem"));
        HttpResponse<String> pool = client.send(HttpRequest.newBuilder(URI.create(second.baseUrl() + "/api/v1/coupon-pools"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + POOL + "\",\"lowThreshold\":5}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, pool.statusCode(), pool.body());
        int poolId = new JsonPath(pool.body()).getInt("id");
        String codes = "code\n" + String.join("\n", IntStream.range(0, CODES).mapToObj(i -> "NEXT-" + (1000 + i)).toList());
        HttpResponse<String> upload = client.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + "/api/v1/coupon-pools/"
                + poolId + "/codes")).header("Authorization", "Bearer " + token).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(codes)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, upload.statusCode(), upload.body());
        HttpResponse<String> rule = client.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + "/api/v1/reply-rules"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"coupon-it\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\""
                        + REF + "\"},\"priority\":100,\"message\":{\"text\":\"Your code for the next purchase: {coupon}\"},"
                        + "\"couponPool\":\"" + POOL + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, rule.statusCode(), rule.body());
        Thread.sleep(2000); // the second process picks the rule up within its refresh interval (1 s)

        List<String> users = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            users.add(Deliveries.newUser());
        }
        long at = Instant.now().minusSeconds(60).toEpochMilli();
        for (int link = 0; link < 2; link++) {
            for (int i = 0; i < CONVERSATIONS; i++) {
                byte[] body = Deliveries.existingThreadReferral(users.get(i), at + link, REF + i + "-" + link);
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + WebhookRoute.PATH))
                        .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                assertEquals(200, answer.statusCode());
            }
        }

        try (Connection db = DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> count(db, "SELECT count(*) FROM reply WHERE ref LIKE '"
                    + REF + "%' AND status NOT IN ('PENDING', 'CLAIMED', 'SENDING')") == 2 * CONVERSATIONS);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    ConsumerLag.of(kafka.bootstrapServers(), "igme-replier", NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0
                    && ConsumerLag.of(kafka.bootstrapServers(), "igme-replier-second", NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0);

            Map<String, Long> byStatus = new TreeMap<>();
            try (Statement s = db.createStatement();
                    ResultSet rows = s.executeQuery("SELECT status, count(*) FROM reply WHERE ref LIKE '" + REF
                            + "%' GROUP BY status")) {
                while (rows.next()) {
                    byStatus.put(rows.getString(1), rows.getLong(2));
                }
            }
            // the database: every code issued once (unique per pool), to one conversation, and each
            // conversation holds at most one code
            assertEquals(CODES, count(db, "SELECT count(*) FROM coupon WHERE pool_id = " + poolId + " AND issued_at IS NOT NULL"),
                    "the pool is used up: more conversations wanted a code than it held");
            assertEquals(CODES, count(db, "SELECT count(DISTINCT (ig_account_id, igsid)) FROM coupon WHERE pool_id = " + poolId
                    + " AND issued_at IS NOT NULL"), "no conversation holds two codes");
            assertEquals(CODES, count(db, "SELECT count(*) FROM reply WHERE coupon_code IS NOT NULL AND ref LIKE '" + REF + "%'"));
            assertEquals(CODES, count(db, "SELECT count(DISTINCT coupon_code) FROM reply WHERE ref LIKE '" + REF + "%'"),
                    "no code on two replies");
            assertEquals(0, count(db, "SELECT count(*) FROM reply r JOIN coupon c ON c.code = r.coupon_code AND c.pool_id = "
                    + poolId + " WHERE r.igsid <> c.igsid OR r.attribution_id <> c.attribution_id"),
                    "each reply carries the code issued to its own conversation and attribution");
            assertEquals(Map.of("SENT", (long) CODES, "SKIPPED_COUPON_ALREADY_ISSUED", (long) CODES,
                    "SKIPPED_NO_COUPON", (long) (2 * CONVERSATIONS - 2 * CODES)), byStatus);

            // the customers: what reached the Send API
            List<LoggedRequest> calls = graph.calls();
            Map<String, Integer> callsPerUser = new HashMap<>();
            Set<String> codesSent = new HashSet<>();
            List<String> duplicates = new ArrayList<>();
            for (LoggedRequest call : calls) {
                JsonPath json = new JsonPath(new String(call.getBody(), StandardCharsets.UTF_8));
                callsPerUser.merge(json.getString("recipient.id"), 1, Integer::sum);
                String code = json.getString("message.text").replace("Your code for the next purchase: ", "");
                if (!codesSent.add(code)) {
                    duplicates.add(code);
                }
            }
            long retries = Files.readAllLines(Path.of("target", "coupon-replier-1.log")).stream()
                    .filter(l -> l.contains("not done yet, retrying")).count()
                    + Files.readAllLines(Path.of("target", "coupon-replier-2.log")).stream()
                            .filter(l -> l.contains("not done yet, retrying")).count();
            System.out.println("Two coupon deciders: replies " + byStatus + ", Send API calls " + calls.size()
                    + ", distinct codes sent " + codesSent.size() + ", batches retried after a conflict " + retries);
            assertEquals(List.of(), duplicates, "no code sent twice");
            assertEquals(CODES, calls.size(), "one call per issued code");
            assertTrue(callsPerUser.values().stream().allMatch(n -> n == 1), "no customer gets two messages: " + callsPerUser);
            assertEquals(CODES, codesSent.size());
            Set<String> issued = new HashSet<>();
            try (Statement s = db.createStatement();
                    ResultSet rows = s.executeQuery("SELECT code FROM coupon WHERE issued_at IS NOT NULL AND pool_id = " + poolId)) {
                while (rows.next()) {
                    issued.add(rows.getString(1));
                }
            }
            assertEquals(issued, codesSent, "the codes sent are the codes the database issued");
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
