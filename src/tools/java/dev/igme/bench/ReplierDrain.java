package dev.igme.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.Scenario;
import dev.igme.attribution.SourceCategory;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;

/**
 * The replier alone: a backlog of attribution events (each matching the benchmark's rule, each
 * with an open window) is on the topic before a replier-only service starts; the rate is events
 * until every one of them has its reply SENT at the fake Send API, timed as the normalizer phase
 * is ({@link DrainTiming}: from launch, from ready, from the first reply sent). Its own topic, like
 * the normalizer phase's, so that events of the end-to-end phase are not part of this backlog.
 */
final class ReplierDrain {

    /** Prefix of each drain's own topic: a second drain in the same run must not read the first one's backlog. */
    static final String TOPIC = "bench.replier.attributions.";
    /** Matches the benchmark's rule ({@code bench-e2e-} prefix). */
    private static final String REF_PREFIX = "bench-e2e-drain-";

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** What the phase measured. */
    record Result(DrainTiming timing, DrainTiming warm, long[] rssKib) {
    }

    /** A started service with these properties; closed by the caller. */
    interface Starter {
        AutoCloseable start(Map<String, String> config) throws Exception;
    }

    private ReplierDrain() {
    }

    /**
     * @param config the service's properties for roles=replier; this phase points its consumer at its own topic
     * @param warm whether to drain a second backlog in the same process once the first is sent
     * @param memory RSS (now, peak) of the started service, read right after the first drain
     */
    static Result run(KafkaBroker kafka, Postgres postgres, String account, int events, boolean warm,
            Map<String, String> config, Starter starter, Function<AutoCloseable, long[]> memory) throws Exception {
        String jdbc = "jdbc:" + postgres.reactiveUrl();
        // the schema, so the conversations can be opened before the replier starts
        Flyway.configure().dataSource(jdbc, Postgres.USER, Postgres.PASSWORD).locations("classpath:db/migration")
                .load().migrate();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = TOPIC + run;
        kafka.createTopics(Map.of(topic, 3));
        Instant now = Instant.now();
        try (Connection db = DriverManager.getConnection(jdbc, Postgres.USER, Postgres.PASSWORD)) {
            openWindows(db, account, run, events, now);
            produce(kafka.bootstrapServers(), topic, account, run, events, now);
            config.put("mp.messaging.incoming.attributions-in.topic", topic);
            config.put("mp.messaging.incoming.attributions-in.group.id", "bench-replier-drain-" + run);
            config.put("mp.messaging.incoming.attributions-in.auto.offset.reset", "earliest");
            // Meta's budget is not what is measured here
            config.put("igme.accounts.\"" + account + "\".rate-limit", "1000000");
            Instant launched = Instant.now();
            try (AutoCloseable service = starter.start(config)) {
                DrainTiming timing = DrainTiming.await("the replier", events, () -> sent(db, run), launched, Instant.now());
                // the RSS goal is read after the first backlog, as before the second one existed
                long[] rss = memory.apply(service);
                DrainTiming second = null;
                if (warm) {
                    // a second backlog on the same topic, new users, once the first is sent: timed from the
                    // start of its production (the windows are opened before), so a slow producer only lowers it
                    String run2 = run + "w";
                    Instant now2 = Instant.now();
                    openWindows(db, account, run2, events, now2);
                    Instant start = Instant.now();
                    produce(kafka.bootstrapServers(), topic, account, run2, events, now2);
                    second = DrainTiming.await("the replier, second backlog", events, () -> sent(db, run2), start, start);
                }
                return new Result(timing, second, rss);
            }
        }
    }

    private static void openWindows(Connection db, String account, String run, int events, Instant now) throws Exception {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO conversation (ig_account_id, igsid, last_inbound_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (ig_account_id, igsid) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at")) {
            for (int i = 0; i < events; i++) {
                insert.setString(1, account);
                insert.setString(2, user(run, i));
                insert.setTimestamp(3, Timestamp.from(now));
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static void produce(String bootstrap, String topic, String account, String run, int events, Instant now) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < events; i++) {
                AttributionEvent event = new AttributionEvent(AttributionEvent.SCHEMA_VERSION, "drain-" + run + "-" + i,
                        Scenario.EXISTING_THREAD_REFERRAL, false, account, user(run, i), REF_PREFIX + run + "-" + i, true,
                        "SHORTLINK", SourceCategory.SHORTLINK, "OPEN_THREAD", null, null, null, null, null, null,
                        now.minusSeconds(1), now, "bench-drain-" + i, false, false, null, null, null, null, null, null);
                producer.send(new ProducerRecord<>(topic, event.key(), JSON.writeValueAsString(event)));
            }
            producer.flush();
        }
    }

    /** Distinct users, so that no rule cooldown or once-per-conversation limit applies. */
    private static String user(String run, int i) {
        return "drain-" + run + "-" + i;
    }

    private static long sent(Connection db, String run) throws Exception {
        try (PreparedStatement count = db.prepareStatement(
                "SELECT count(*) FROM reply WHERE attribution_id LIKE ? AND status = 'SENT'")) {
            count.setString(1, "drain-" + run + "-%");
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
