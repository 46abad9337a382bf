package dev.igme.local;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.igme.testing.InfrastructureResource;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The local run ({@code ./mvnw -Plocal}): an embedded PostgreSQL on 15432 and a Kafka broker on
 * 19092, both keeping their data under {@code target/local-stack/}, then the packaged service in
 * the {@code dev} profile (demo verify token and app secret, see README). Ctrl-C stops all three.
 * Lives with the tests so that the production artifact contains neither embedded component.
 */
public final class LocalStack {

    static final int KAFKA_PORT = 19092;
    static final int KAFKA_CONTROLLER_PORT = 19093;
    static final int POSTGRES_PORT = 15432;
    /** The Send API stand-in; the dev profile's igme.graph.*-url point here. */
    static final int SEND_API_PORT = 18090;
    static final String SERVICE = "http://localhost:8080";
    /** The dev profile's demo account (application.properties, %dev.igme.accounts). */
    static final String DEMO_ACCOUNT = "17841400000000001";
    static final String DEMO_USERNAME = "igme.demo.shop";

    /**
     * How long Ctrl-C waits for the service before killing it. Its consumers take several seconds to
     * leave their groups; a local run need not wait: what they had not committed is read again next
     * time, and the pipeline takes a redelivery as the same item.
     */
    static final Duration SERVICE_STOP = Duration.ofSeconds(3);

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        Path jar = target.resolve("quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " does not exist: run ./mvnw -Plocal (it packages first)");
        }
        Path data = target.resolve("local-stack");
        Files.createDirectories(data);

        Postgres postgres = new Postgres(data.resolve("postgres"), POSTGRES_PORT).stoppedByOwner();
        KafkaBroker kafka = new KafkaBroker(data.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT);
        log("starting PostgreSQL on localhost:" + POSTGRES_PORT + " and Kafka on localhost:" + KAFKA_PORT
                + " (data in " + data + ")");
        // Registered before anything starts: whatever has started is stopped, in order, however the
        // run ends (Ctrl-C, a port in use, a failed start), so no PostgreSQL is left on its port.
        AtomicReference<Process> service = new AtomicReference<>();
        AtomicReference<SendApiStandIn> sendApi = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long started = System.nanoTime();
            log("stopping the service, Kafka and PostgreSQL");
            Process running = service.get();
            if (running != null) {
                // Ctrl-C has also reached the service (same process group); SIGTERM covers a kill of this process alone
                running.destroy();
                try {
                    if (!running.waitFor(SERVICE_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                        log("the service did not stop within " + SERVICE_STOP.toSeconds() + " s; killing it");
                        running.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (sendApi.get() != null) {
                sendApi.get().close();
            }
            kafka.close();
            postgres.close();
            log("stopped everything in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        }, "local-stack-shutdown"));
        CompletableFuture<Void> db = CompletableFuture.runAsync(postgres::start);
        kafka.start().createTopics(InfrastructureResource.TOPICS);
        db.join();

        Thread tail = new Thread(() -> tail(kafka.bootstrapServers()), "local-stack-tail");
        tail.setDaemon(true);
        tail.start();

        sendApi.set(new SendApiStandIn(SEND_API_PORT, DEMO_USERNAME, LocalStack::log).start());
        log("Send API stand-in on http://localhost:" + SEND_API_PORT + ": every reply the service sends is printed here");

        String token = writeApiToken(data.resolve("api-token"));
        service.set(startService(jar));
        DemoSetup demo = new DemoSetup(SERVICE, token, LocalStack::log);
        if (demo.awaitReady(service.get())) {
            try {
                demo.run(DEMO_ACCOUNT, data.resolve("demo-ref"));
                log("ready. Console: " + SERVICE + "/console (signed in as the demo admin). README, \"Run it\":"
                        + " send the sample delivery and watch for the 'Send API: reply to' line.");
            } catch (IOException | RuntimeException e) {
                log("could not set up the demo campaign: " + e.getMessage());
            }
        }
        int exit = service.get().waitFor();
        log("service exited with " + exit);
        System.exit(exit);
    }

    private static Process startService(Path jar) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.profile=dev");
        command.add("-jar");
        command.add(jar.toString());
        log("starting the service: " + String.join(" ", command));
        log("dev verify token: igme-dev-verify-token, dev app secret: igme-dev-app-secret");
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        if (TERMINAL != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(TERMINAL)).redirectError(ProcessBuilder.Redirect.appendTo(TERMINAL));
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        return builder.start();
    }

    /** A bearer token for the read API, signed with the demo key the dev profile trusts. */
    private static String writeApiToken(Path file) throws Exception {
        String token = Jwt.issuer("https://igme.local/dev").upn("dev@igme.local")
                .groups(Set.of("igme-viewer", "igme-admin")).expiresIn(Duration.ofDays(1))
                .sign(KeyUtils.readPrivateKey("jwt/private.pem"));
        Files.writeString(file, token);
        log("API token (roles igme-viewer, igme-admin; valid 24 h) in " + file
                + ": curl -H \"Authorization: Bearer $(cat " + file + ")\" http://localhost:8080/api/v1/attributions");
        return token;
    }

    /** Prints one line per record on the service's topics, so a newcomer sees deliveries land. */
    private static void tail(String bootstrap) {
        // No consumer group: a group would wait out the session of a killed previous run.
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = InfrastructureResource.TOPICS.keySet().stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    log(String.format("%s[%d]@%d key=%s %d bytes: %s", record.topic(), record.partition(),
                            record.offset(), record.key(), record.value().length,
                            value.length() > 160 ? value.substring(0, 160) + "..." : value));
                }
            }
        } catch (RuntimeException e) {
            log("topic tail stopped: " + e.getMessage());
        }
    }

    private static void log(String message) {
        OUT.println("[local-stack] " + message);
    }

    /**
     * The terminal the local run was started from, if any. Maven runs this class in a process of
     * its own and pipes its output; Ctrl-C ends Maven at once, and its pipe with it, so the lines
     * that say the service, Kafka and PostgreSQL stopped (and the service's own) would be lost.
     * Written to the terminal directly, they are shown. Without one (CI, nohup), standard output.
     */
    private static final File TERMINAL = terminal();
    private static final PrintStream OUT = TERMINAL == null ? System.out : openTerminal(TERMINAL);

    private static File terminal() {
        File tty = new File("/dev/tty");
        try (FileOutputStream probe = new FileOutputStream(tty, true)) {
            return tty;
        } catch (IOException | SecurityException e) {
            return null; // no controlling terminal
        }
    }

    private static PrintStream openTerminal(File tty) {
        try {
            return new PrintStream(new FileOutputStream(tty, true), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return System.out;
        }
    }
}
