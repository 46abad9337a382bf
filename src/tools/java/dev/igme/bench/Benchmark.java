package dev.igme.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.directory.LinkPublisher;
import dev.igme.link.directory.LinkSnapshot;
import dev.igme.testing.FreePort;
import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;
import dev.igme.webhook.RawDelivery;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * {@code ./mvnw -Pbench}: measures the packaged service against a bare baseline on this machine and
 * prints a table (see BENCHMARKS.md). Everything runs here on loopback: a KRaft broker, PostgreSQL,
 * a fake Graph API, the baseline and the service as separate processes, and the load generator.
 */
public final class Benchmark {

    private static final String SECRET = "bench-app-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The JVM flags of both the service and the baseline: docker/Dockerfile's JAVA_OPTS (checked
     * by DeploymentFilesTest), with the heap fixed instead of sized from the container's limit.
     */
    public static final String[] JVM_OPTIONS = {"-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m",
            "-Xss512k", "-XX:MaxDirectMemorySize=96m", "-XX:TrimNativeHeapInterval=1000", "-XX:+UseG1GC"};
    /**
     * The heap of each role's Deployment (JAVA_OPTS_APPEND in k8s/base, checked by
     * DeploymentFilesTest); the replier is not measured alone and gets the all-roles heap, which
     * bounds it. The baseline runs with the ingress's heap.
     */
    public static final Map<String, String> HEAP_BY_ROLES = Map.of(
            "ingress", "-Xmx96m",
            "normalizer", "-Xmx80m",
            "replier", "-Xmx128m",
            "ingress,normalizer,replier", "-Xmx128m");

    private Benchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            // the broker, database and Vert.x threads would keep the JVM (and Maven) waiting forever
            e.printStackTrace();
            printPartial();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        Duration phase = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
        Set<String> phases = Set.of(System.getProperty("bench.phases", "ingress,e2e,normalizer").split(","));
        List<String[]> rows = new ArrayList<>();
        partialRows = rows;

        KafkaBroker kafka = KafkaBroker.onFreePorts().start();
        Map<String, Integer> topics = new HashMap<>(InfrastructureResource.TOPICS);
        topics.put("bench.baseline.raw", 3);
        topics.put("bench.norm.raw", 3);
        kafka.createTopics(topics);
        Postgres postgres = Postgres.onFreePort().start();
        Vertx vertx = Vertx.vertx();
        Map<String, Long> sendCallAtByUser = new ConcurrentHashMap<>();
        HttpServer graph = graphFake(vertx, sendCallAtByUser);
        Path rules = target.resolve("bench-rules.json");
        Files.writeString(rules, "[{\"name\":\"bench\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"bench-e2e-\"},"
                + "\"message\":{\"text\":\"Thanks for {ref}\"}}]");
        LoadGenerator load = new LoadGenerator(vertx, SECRET);

        // 1. Ingress: the service (ingress role only) against the baseline, same producer settings.
        if (phases.contains("ingress")) {
        int basePort = FreePort.any();
        List<String> baselineCommand = new ArrayList<>(List.of(javaBin()));
        baselineCommand.addAll(List.of(JVM_OPTIONS));
        baselineCommand.add(HEAP_BY_ROLES.get("ingress"));
        baselineCommand.addAll(List.of("-cp", System.getProperty("java.class.path"),
                BaselineServer.class.getName(), String.valueOf(basePort), kafka.bootstrapServers(), SECRET, "bench.baseline.raw"));
        ProcessBuilder baselineBuilder = new ProcessBuilder(baselineCommand);
        baselineBuilder.environment().put("MALLOC_ARENA_MAX", "2");
        Process baseline = baselineBuilder
                .redirectErrorStream(true).redirectOutput(target.resolve("bench-baseline.log").toFile()).start();
        ServiceProcess ingress = service(target, "ingress", config(kafka, postgres, graph, rules, "ingress"));
        Thread.sleep(3000);
        awaitBaseline(baseline, target);
        log("warming up");
        load.closedLoop(basePort, 32, Duration.ofSeconds(8), () -> load.mixed("bench-load-"));
        load.closedLoop(port(ingress), 32, Duration.ofSeconds(8), () -> load.mixed("bench-load-"));
        // made before the rounds: signing 5,000 deliveries between the maximum-rate phase and the
        // first seconds after it put the load generator's work (in the broker's JVM) into those seconds
        java.util.function.Supplier<LoadGenerator.Delivery> presigned = LoadGenerator.pool(() -> load.mixed("bench-load-"), 5000);
        log("max throughput");
        // alternating rounds, so that a slow spell of the shared machine hits both sides alike;
        // the reported ratio is the median of the rounds' ratios
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Double> ratios = new ArrayList<>();
        List<Double> baseRates = new ArrayList<>();
        List<Double> serviceRates = new ArrayList<>();
        long refused = 0;
        for (int round = 0; round < rounds; round++) {
            LoadGenerator.Result base = load.closedLoop(basePort, 64, phase, () -> load.mixed("bench-load-"));
            LoadGenerator.Result service = load.closedLoop(port(ingress), 64, phase, () -> load.mixed("bench-load-"));
            baseRates.add(base.perSecond());
            serviceRates.add(service.perSecond());
            ratios.add(service.perSecond() / base.perSecond());
            refused += service.other();
            log(String.format("round %d: baseline %s/s, service %s/s, ratio %.2f", round + 1, fmt(base.perSecond()),
                    fmt(service.perSecond()), ratios.get(round)));
        }
        double maxRate = median(serviceRates);
        rows.add(row("Baseline (bare Vert.x + JDK HMAC + same Kafka record and producer settings), max", fmt(median(baseRates)) + " deliveries/s",
                "median of " + rounds + " rounds: " + rates(baseRates)));
        rows.add(row("Service ingress, max", fmt(maxRate) + " deliveries/s",
                String.format("**ratio %.2f** to the independent baseline (median; rounds %s); %s; rounds: %s; non-200 answers %d",
                        median(ratios), ratios.stream().map(r -> String.format("%.2f", r)).toList(),
                        goal("ingress >= 0.85 x the independent baseline", median(ratios) >= 0.85), rates(serviceRates), refused)));
        log("ack latency at half the maximum");
        double half = maxRate / 2;
        // The first seconds after the maximum-rate phase are G1 clearing the old generation that
        // phase filled (mixed collections of 10-30 ms every 40 ms): measured separately, then the
        // steady state at the same rate.
        Map<Double, Long> settlingBefore = ackBuckets(ingress);
        LoadGenerator.Result settling = load.openLoop(port(ingress), half, Duration.ofSeconds(5), presigned, null);
        Map<Double, Long> ackBucketsBefore = ackBuckets(ingress);
        rows.add(row("Ack latency, first 5 s at half max right after the maximum-rate phase", percentiles(settling),
                goal("ack p99 <= 100 ms in the first 5 s at half max after the max-rate phase",
                        settling.percentile(99) <= 100_000_000L) + "; non-200 " + settling.other()
                        + "; inside the service (signed POST to broker ack) p99 <= " + serviceP99(settlingBefore, ackBucketsBefore)));
        LoadGenerator.Result ack = load.openLoop(port(ingress), half, phase, presigned, null);
        rows.add(row("Ack latency at " + fmt(half) + " deliveries/s (half max), steady", percentiles(ack),
                goal("ack p99 <= 50 ms at half max, steady", ack.percentile(99) <= 50_000_000L) + "; non-200 " + ack.other() + "; inside the service (igme_webhook_ack_seconds, signed POST to"
                        + " broker ack) p99 <= " + serviceP99(ackBucketsBefore, ackBuckets(ingress))));
        // the same right after the baseline's own maximum-rate phase: the machine's and the broker's
        // share of the first seconds' tail
        load.closedLoop(basePort, 64, phase, () -> load.mixed("bench-load-"));
        LoadGenerator.Result baseSettling = load.openLoop(basePort, half, Duration.ofSeconds(5), presigned, null);
        rows.add(row("Baseline ack latency, first 5 s at the same rate right after its own maximum-rate phase",
                percentiles(baseSettling), "non-200 " + baseSettling.other()));
        // the same open loop against the baseline tells the machine's and broker's share of the tail
        LoadGenerator.Result baseAck = load.openLoop(basePort, half, phase, presigned, null);
        rows.add(row("Baseline ack latency at the same rate, steady", percentiles(baseAck), "non-200 " + baseAck.other()));

        // The tracked redirect on the same ingress process: it waits for nothing (the directory is
        // in memory, the click is handed to the producer), so it must at least match the webhook.
        log("tracked redirect");
        List<String> linkIds = publishLinks(kafka.bootstrapServers(), 100);
        awaitRedirect(load, port(ingress), linkIds);
        load.closedLoopCalls(port(ingress), 32, Duration.ofSeconds(5), load.redirects(linkIds), 302);
        LoadGenerator.Result redirectMax = load.closedLoopCalls(port(ingress), 64, phase, load.redirects(linkIds), 302);
        rows.add(row("Tracked redirect /r/{id}, max", fmt(redirectMax.perSecond()) + " redirects/s",
                String.format("**%.2f×** the webhook's max in this run; %s; non-302 %d",
                        redirectMax.perSecond() / maxRate, goal("redirect max >= 1.0 x the webhook's max",
                                redirectMax.perSecond() / maxRate >= 1.0), redirectMax.other())));
        double halfRedirect = redirectMax.perSecond() / 2;
        load.openLoopCalls(port(ingress), halfRedirect, Duration.ofSeconds(5), load.redirects(linkIds), 302, null);
        LoadGenerator.Result redirectLatency = load.openLoopCalls(port(ingress), halfRedirect, phase,
                load.redirects(linkIds), 302, null);
        rows.add(row("Redirect latency at " + fmt(halfRedirect) + " redirects/s (half its max), steady",
                percentiles(redirectLatency), String.format("%s (%.1f ms); non-302 %d", goal("redirect p99 at half its max below the webhook's ack p99 at its half max",
                        redirectLatency.percentile(99) < ack.percentile(99)), ack.percentile(99) / 1e6, redirectLatency.other())));
        long[] ingressRss = memory(ingress, target, "ingress");
        rows.add(rssRow("ingress", "after the maximum-rate, latency and redirect phases", ingressRss, HEAP_BY_ROLES.get("ingress")));
        ingress.close();
        baseline.destroy();
        }

        // 2. End to end: the capacity of all roles in one process, then the latency at half of it.
        double capacity = -1;
        if (phases.contains("e2e")) {
            capacity = capacityPhase(target, kafka, postgres, graph, rules, load, sendCallAtByUser, phase, rows);
        }

        // 3. Normalizer: drain a backlog of 200,000 referral items into PostgreSQL.
        double normalizerRate = -1;
        double normalizerWarmRate = -1;
        if (phases.contains("normalizer")) {
        int records = Integer.getInteger("bench.norm.records", 4000);
        int itemsPerRecord = 50;
        produceBacklog(kafka.bootstrapServers(), load, records, itemsPerRecord);
        Map<String, String> normConfig = config(kafka, postgres, graph, rules, "normalizer");
        normConfig.put("mp.messaging.incoming.webhook-raw-in.topic", "bench.norm.raw");
        normConfig.put("mp.messaging.incoming.webhook-raw-in.group.id", "bench-normalizer-" + UUID.randomUUID());
        normConfig.put("mp.messaging.incoming.webhook-raw-in.auto.offset.reset", "earliest");
        Instant launched = Instant.now();
        ServiceProcess normalizer = service(target, "normalizer", normConfig);
        Instant ready = Instant.now();
        long expected = (long) records * itemsPerRecord;
        long[] normRss;
        try (Connection db = DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD)) {
            DrainTiming normTiming = DrainTiming.await("the normalizer", expected,
                    () -> count(db, "SELECT count(*) FROM attribution WHERE ref LIKE 'bench-norm-%'"), launched, ready);
            // from ready, as before 2026-12-06 (the replier's drain then counted its start-up too)
            normalizerRate = normTiming.rateFromReady();
            rows.add(row("Normalizer, backlog of " + fmt(expected) + " items into PostgreSQL", fmt(normalizerRate) + " items/s",
                    goal("normalizer drain >= 5,000 items/s", normalizerRate >= 5000) + "; " + normTiming.describe("items")));
            // the RSS goal is read after the first backlog, as before the second one existed
            normRss = memory(normalizer, target, "normalizer");
            if (WARM) {
                // the same backlog again, in the same process: the rate without the JIT's warm-up
                Instant start = Instant.now();
                produceBacklog(kafka.bootstrapServers(), load, records, itemsPerRecord, "bench-norm2-", "bench2-");
                normalizerWarmRate = DrainTiming.await("the normalizer, second backlog", expected,
                        () -> count(db, "SELECT count(*) FROM attribution WHERE ref LIKE 'bench-norm2-%'"), start, start)
                        .rateFromReady();
                rows.add(row("Normalizer, a second backlog of " + fmt(expected) + " items in the same process (warm)",
                        fmt(normalizerWarmRate) + " items/s", "from the start of its production to the last item stored;"
                                + " for comparison with the replier's second backlog (no goal)"));
            }
        }
        rows.add(rssRow("normalizer", "after draining that backlog", normRss, HEAP_BY_ROLES.get("normalizer")));
        normalizer.close();
        }

        // 4. Replier: drain a backlog of attribution events to the fake Send API (ReplierDrain).
        if (phases.contains("replier")) {
            replierDrain(kafka, postgres, graph, rules, target, normalizerRate, normalizerWarmRate, rows);
        }

        capacityRatio(capacity, normalizerRate, rows);
        String table = table(rows);
        System.out.println(table);
        Files.writeString(target.resolve("benchmark-results.md"), table);
        graph.close();
        vertx.close();
        kafka.close();
        postgres.close();
    }

    /**
     * {@code -Dbench.warm} (default true): each drain phase drains a second backlog of the same size
     * in the same process once the first is done, so that the rates without the JIT's warm-up are
     * printed beside the first ones. A fresh replier spent about half its CPU compiling during its
     * first drain (BENCHMARKS.md); the goals stay judged on the first backlogs.
     */
    private static final boolean WARM = Boolean.parseBoolean(System.getProperty("bench.warm", "true"));

    private static void replierDrain(KafkaBroker kafka, Postgres postgres, HttpServer graph, Path rules, Path target,
            double normalizerRate, double normalizerWarmRate, List<String[]> rows) throws Exception {
        int events = Integer.getInteger("bench.replier.events", 100000);
        // -Dbench.replier.calls=64,256,64,256: one drain per value of igme.reply.max-calls-in-flight, in
        // this order, so that settings are compared within one run (empty: the service's default, once)
        String calls = System.getProperty("bench.replier.calls", "").trim();
        List<String> variants = calls.isEmpty() ? List.of("") : List.of(calls.split(","));
        for (String variant : variants) {
            String label = variant.isEmpty() ? "" : " (max-calls-in-flight " + variant + ")";
            log("replier drain" + label + ": " + events + " attribution events");
            Map<String, String> config = config(kafka, postgres, graph, rules, "replier");
            if (!variant.isEmpty()) {
                config.put("igme.reply.max-calls-in-flight", variant.trim());
            }
            ReplierDrain.Result drain = ReplierDrain.run(kafka, postgres, LoadGenerator.ACCOUNT, events, WARM, config,
                    c -> service(target, "replier", c),
                    service -> {
                        try {
                            return memory((ServiceProcess) service, target, "replier");
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            DrainTiming timing = drain.timing();
            rows.add(row("Replier" + label + ", backlog of " + fmt(events) + " attribution events to SENT",
                    fmt(timing.rateFromReady()) + " replies/s", (normalizerRate > 0
                            ? String.format("%s (ratio %.2f, both from ready)", goal("replier drain >= normalizer drain",
                                    timing.rateFromReady() >= normalizerRate), timing.rateFromReady() / normalizerRate)
                            : "goal >= normalizer drain (not measured in this run)") + "; " + timing.describe("replies")));
            if (drain.warm() != null) {
                double warm = drain.warm().rateFromReady();
                rows.add(row("Replier" + label + ", a second backlog of " + fmt(events) + " events in the same process (warm)",
                        fmt(warm) + " replies/s", (normalizerWarmRate > 0 ? String.format("%.2f of the normalizer's second"
                                + " backlog; ", warm / normalizerWarmRate) : "") + "from the start of its production to the"
                                + " last reply sent; the goal is judged on the first backlogs, above (no goal)"));
            }
            rows.add(rssRow("replier" + label, "after draining that backlog", drain.rssKib(), HEAP_BY_ROLES.get("replier")));
        }
    }

    /**
     * Phase 2: steps the open-loop referral rate up on the all-roles service until POST → Send p99
     * passes 1 s ({@link CapacityPhase}), then holds half of the highest rate that held and measures
     * POST → event and POST → Send there.
     *
     * @return the capacity in referral items per second (0 when not even the first step held)
     */
    private static double capacityPhase(Path target, KafkaBroker kafka, Postgres postgres, HttpServer graph, Path rules,
            LoadGenerator load, Map<String, Long> sendCallAtByUser, Duration phase, List<String[]> rows) throws Exception {
        ServiceProcess all = service(target, "all", config(kafka, postgres, graph, rules, "ingress,normalizer,replier"));
        Map<String, Long> eventAt = new ConcurrentHashMap<>();
        Thread watcher = eventWatcher(kafka.bootstrapServers(), eventAt);
        Thread.sleep(2000);
        log("end to end, warming up");
        load.openLoop(port(all), 50, Duration.ofSeconds(5), () -> load.referrals("bench-warm-", 10), null);
        CapacityPhase capacityPhase = new CapacityPhase(load, port(all), eventAt, sendCallAtByUser);
        // the warm-up (500 items/s) can outrun a slow machine: its backlog is not the first step's work
        capacityPhase.awaitQuiet();
        Duration each = Duration.ofSeconds(Long.getLong("bench.capacity.seconds", 12));
        log("end to end, stepping the rate up (" + each.toSeconds() + " s a step)");
        List<CapacityPhase.Step> steps = capacityPhase.stepUp(CapacityPhase.steps(), each);
        double capacity = CapacityPhase.capacity(steps);
        StringBuilder tried = new StringBuilder();
        for (CapacityPhase.Step step : steps) {
            tried.append(tried.length() == 0 ? "" : "; ").append(String.format("%,.0f/s: Send p99 %s%s%s", step.itemsPerSecond(),
                    CapacityPhase.ms(step.sendPercentile(99)), step.non200() > 0 ? ", non-200 " + step.non200() : "",
                    step.missingSends() > 0 ? ", " + step.missingSends() + " without reply" : ""));
        }
        rows.add(row("End-to-end capacity, all roles in one process (POST -> Send p99 <= 1 s)",
                fmt(capacity) + " referral items/s", "steps of " + each.toSeconds() + " s, " + CapacityPhase.ITEMS
                        + " items a delivery, each a new user matching a reply rule: " + tried));
        // Half the capacity (half the first step when none held): the latency the pipeline gives with headroom.
        double half = capacity > 0 ? capacity / 2 : CapacityPhase.steps().get(0) / 2;
        // the replies of the step that did not hold may still be draining: let them, then settle at half
        capacityPhase.awaitQuiet();
        capacityPhase.hold("bench-e2e-settle-", half, Duration.ofSeconds(5));
        log("end to end at half the capacity: " + fmt(half) + " items/s");
        CapacityPhase.Step atHalf = capacityPhase.hold("bench-e2e-half-", half, phase);
        rows.add(row("POST -> attribution event at " + fmt(half) + " items/s (half the capacity)",
                CapacityPhase.percentiles(atHalf.toEventNanos()) + " (" + (atHalf.items() - atHalf.missingEvents()) + "/"
                        + atHalf.items() + ")",
                goal("POST -> event p99 <= 150 ms at half the capacity", atHalf.eventPercentile(99) <= 150_000_000L)
                        + "; webhook non-200 " + atHalf.non200()));
        rows.add(row("POST -> Send API call at " + fmt(half) + " items/s (half the capacity)",
                CapacityPhase.percentiles(atHalf.toSendNanos()) + " (" + (atHalf.items() - atHalf.missingSends()) + "/"
                        + atHalf.items() + ")",
                goal("POST -> Send p99 <= 300 ms at half the capacity", atHalf.sendPercentile(99) <= 300_000_000L)));
        rows.add(rssRow("all roles", "after the capacity steps and the half-capacity phase", memory(all, target, "all"),
                HEAP_BY_ROLES.get("ingress,normalizer,replier")));
        watcher.interrupt();
        all.close();
        return capacity;
    }

    /** Waits until the baseline says it listens; a baseline that died would make every ratio meaningless. */
    private static void awaitBaseline(Process baseline, Path target) throws IOException, InterruptedException {
        Path log = target.resolve("bench-baseline.log");
        Instant deadline = Instant.now().plusSeconds(180);
        while (!new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains("baseline listening")) {
            if (!baseline.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the baseline did not start; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** The capacity as a ratio to the normalizer-only drain of the same run (issue 16: goal >= 0.5). */
    private static void capacityRatio(double capacity, double normalizerRate, List<String[]> rows) {
        if (capacity < 0 || normalizerRate <= 0) {
            return; // one of the two phases did not run
        }
        double ratio = capacity / normalizerRate;
        rows.add(row("End-to-end capacity / normalizer-only drain, same run", String.format("**%.2f**", ratio),
                goal("end-to-end capacity >= 0.5 x the normalizer drain", ratio >= 0.5) + "; " + fmt(capacity) + " / "
                        + fmt(normalizerRate) + " items/s"));
    }

    /** The rows so far, printed when a phase fails: on a shared machine a run may die late, and its figures still count. */
    private static List<String[]> partialRows;

    private static void printPartial() {
        if (partialRows != null && !partialRows.isEmpty()) {
            try {
                System.out.println("[bench] the run failed; what it measured before:\n" + table(partialRows));
            } catch (IOException | RuntimeException ignored) {
                // nothing more to show
            }
        }
    }

    /** Every goal of this run with its verdict, printed again below the table. */
    private static final List<String[]> GOALS = new ArrayList<>();

    /** Records a goal of this run and returns it with its verdict ("met" or "**MISSED**") for a notes cell. */
    static String goal(String goal, boolean met) {
        GOALS.add(new String[] {goal, met ? "met" : "**MISSED**"});
        return "goal " + goal + ": " + (met ? "met" : "**MISSED**");
    }

    /** RSS of a role after its phase, in decimal MB as issue 16's goal is stated (now and peak <= 300 MB). */
    static String[] rssRow(String role, String when, long[] kib, String heap) {
        long nowMb = kib[0] * 1024 / 1_000_000;
        long peakMb = kib[1] * 1024 / 1_000_000;
        return row("RSS, " + role + " (" + heap + ") " + when,
                String.format("**%d MB** (peak %d MB; anonymous %d MB, file-backed %d MB)", nowMb, peakMb,
                        kib[2] * 1024 / 1_000_000, kib[3] * 1024 / 1_000_000),
                goal("RSS of " + role + " <= 300 MB, peak included", nowMb <= 300 && peakMb <= 300) + "; "
                        + rss(kib) + "; " + String.join(" ", JVM_OPTIONS));
    }

    /** Links for the redirect phase, put on instagram.links as the API would publish them. */
    private static List<String> publishLinks(String bootstrap, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String id = "BenchLink" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(LinkPublisher.TOPIC, id, JSON.writeValueAsString(new LinkSnapshot(
                        LinkSnapshot.SCHEMA_VERSION, id, "bench", LoadGenerator.ACCOUNT, "packaging", "bench-pack",
                        "bench.shop", null, null)))).get();
            }
        }
        return ids;
    }

    /** Waits until the service's directory knows the links (it follows the topic). */
    private static void awaitRedirect(LoadGenerator load, int port, List<String> ids) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            LoadGenerator.Result probe = load.openLoopCalls(port, 10, Duration.ofSeconds(1), load.redirects(ids), 302, null);
            if (probe.other() == 0) {
                return;
            }
        }
        throw new IllegalStateException("the redirect did not learn the benchmark's links within 60 s");
    }

    private static Map<String, String> config(KafkaBroker kafka, Postgres postgres, HttpServer graph, Path rules, String roles)
            throws IOException {
        Map<String, String> config = ServiceProcess.configFor(kafka, postgres, SECRET, LoadGenerator.ACCOUNT,
                "http://localhost:" + graph.actualPort(), rules);
        config.put("igme.roles", roles);
        config.put("igme.accounts.\"" + LoadGenerator.ACCOUNT + "\".rate-limit", "5000");
        // fresh consumer groups at the topics' end: earlier phases' deliveries are not this phase's work
        String run = UUID.randomUUID().toString().substring(0, 8);
        config.put("mp.messaging.incoming.webhook-raw-in.group.id", "bench-normalizer-" + run);
        config.put("mp.messaging.incoming.webhook-raw-in.auto.offset.reset", "latest");
        config.put("mp.messaging.incoming.attributions-in.group.id", "bench-replier-" + run);
        config.put("mp.messaging.incoming.attributions-in.auto.offset.reset", "latest");
        config.put("quarkus.log.level", "WARN");
        config.put("igme.links.signing-keys", "bench:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        return config;
    }

    private static ServiceProcess service(Path target, String name, Map<String, String> config)
            throws IOException, InterruptedException {
        log("starting the service (" + config.get("igme.roles") + ")");
        List<String> options = new ArrayList<>(List.of(JVM_OPTIONS));
        options.add(HEAP_BY_ROLES.get(config.get("igme.roles")));
        // pauses explain latency outliers: one line per collection
        options.add("-Xlog:gc:file=" + target.resolve("bench-service-" + name + "-gc.log").toAbsolutePath());
        if (Boolean.getBoolean("bench.profile")) {
            // JDK Flight Recorder, written when the service stops: open with `jfr print` or JMC
            options.add("-XX:StartFlightRecording=settings=profile,filename="
                    + target.resolve("bench-service-" + name + ".jfr").toAbsolutePath());
        }
        if (Boolean.getBoolean("bench.nmt")) {
            options.add("-XX:NativeMemoryTracking=summary");
        }
        // experiments: -Dbench.jvm="-XX:Flag ..." appends flags to the service's (not the baseline's)
        String extra = System.getProperty("bench.jvm", "").trim();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return new ServiceProcess(ServiceProcess.packagedJar(), config, target.resolve("bench-service-" + name + ".log"))
                .start(options.toArray(String[]::new));
    }

    /** RSS now and peak, in KiB; with -Dbench.nmt=true also the JVM's own account of its native memory. */
    private static long[] memory(ServiceProcess service, Path target, String name) throws IOException, InterruptedException {
        if (Boolean.getBoolean("bench.nmt")) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "VM.native_memory", "summary")
                    .redirectErrorStream(true).redirectOutput(target.resolve("bench-service-" + name + "-nmt.txt").toFile())
                    .start().waitFor();
        }
        return service.residentKib();
    }

    /** The service's own ack-latency histogram: cumulative count per upper bound in seconds. */
    private static Map<Double, Long> ackBuckets(ServiceProcess service) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        Map<Double, Long> buckets = new java.util.TreeMap<>();
        java.util.regex.Matcher bucket = java.util.regex.Pattern
                .compile("(?m)^igme_webhook_ack_seconds_bucket\\{le=\"([^\"]+)\"} ([0-9.E+]+)$").matcher(metrics.body());
        while (bucket.find()) {
            double le = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
            buckets.put(le, (long) Double.parseDouble(bucket.group(2)));
        }
        return buckets;
    }

    /** The smallest histogram bound that holds 99 % of what was recorded between the two scrapes. */
    private static String serviceP99(Map<Double, Long> before, Map<Double, Long> after) {
        long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L) - before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
        for (Map.Entry<Double, Long> bound : after.entrySet()) {
            if (bound.getValue() - before.getOrDefault(bound.getKey(), 0L) >= Math.ceil(total * 0.99)) {
                return bound.getKey().isInfinite() ? "+Inf" : ms((long) (bound.getKey() * 1e9));
            }
        }
        return "n/a (no samples)";
    }

    private static int port(ServiceProcess service) {
        return Integer.parseInt(service.baseUrl().substring(service.baseUrl().lastIndexOf(':') + 1));
    }

    /** Answers every Send API call at once and notes when the first call for each recipient came. */
    private static HttpServer graphFake(Vertx vertx, Map<String, Long> firstCallByUser) {
        return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            long now = System.nanoTime();
            try {
                String user = JSON.readTree(body.getBytes()).path("recipient").path("id").asText();
                firstCallByUser.putIfAbsent(user, now);
            } catch (IOException ignored) {
                // counted as no call
            }
            request.response().putHeader("Content-Type", "application/json")
                    .end("{\"recipient_id\":\"x\",\"message_id\":\"m\"}");
        })).listen(0).toCompletionStage().toCompletableFuture().join();
    }

    /** Notes when each attribution event (by ref) appears on the topic. */
    private static Thread eventWatcher(String bootstrap, Map<String, Long> eventAt) {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                    new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(NormalizerOutput.ATTRIBUTIONS_TOPIC).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        try {
                            eventAt.putIfAbsent(JSON.readTree(record.value()).path("ref").asText(), now);
                        } catch (IOException ignored) {
                            // not an event
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException stopped) {
                // done
            }
        }, "bench-event-watcher");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void produceBacklog(String bootstrap, LoadGenerator load, int records, int items) {
        produceBacklog(bootstrap, load, records, items, "bench-norm-", "bench-");
    }

    /** {@code refPrefix} and {@code idPrefix} tell a second backlog's refs and delivery ids from the first's. */
    private static void produceBacklog(String bootstrap, LoadGenerator load, int records, int items, String refPrefix,
            String idPrefix) {
        log("producing " + records + " raw deliveries of " + items + " items");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 9437184), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>("bench.norm.raw", load.referrals(refPrefix, items).body());
                record.headers().add(RawDelivery.Headers.DELIVERY_ID, (idPrefix + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("igme-received-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String rates(List<Double> values) {
        return String.join(", ", values.stream().map(Benchmark::fmt).toList()) + " /s";
    }

    private static String percentiles(LoadGenerator.Result result) {
        return String.format("p50 %s, p95 %s, p99 %s, max %s", ms(result.percentile(50)), ms(result.percentile(95)),
                ms(result.percentile(99)), ms(result.percentile(100)));
    }

    private static String percentiles(List<Long> nanos) {
        return percentiles(new LoadGenerator.Result(nanos.size(), 0, 1, nanos.stream().mapToLong(Long::longValue).toArray()));
    }

    private static String table(List<String[]> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ")).append(", JVM ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", ").append(Instant.now())
                // the machine is shared: how busy it was when the table was printed
                .append(", load average ").append(Files.readString(Path.of("/proc/loadavg")).strip()).append("\n\n");
        out.append("| measure | result | notes |\n|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        out.append("\n| goal | this run |\n|---|---|\n");
        for (String[] goal : GOALS) {
            out.append("| ").append(String.join(" | ", goal)).append(" |\n");
        }
        return out.toString();
    }

    private static String[] row(String... cells) {
        return cells;
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static String rss(long[] kib) {
        return mib(kib[0]) + " (peak " + mib(kib[1]) + "; anonymous " + mib(kib[2]) + ", file-backed " + mib(kib[3]) + ")";
    }

    private static String mib(long kib) {
        return (kib / 1024) + " MiB";
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
