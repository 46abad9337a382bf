package dev.igme.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, so that
 * it can be killed like a crashed pod and started again, and its memory measured like a container's.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> properties;
    private final Path log;
    private final int port;
    private Process process;

    public ServiceProcess(Path jar, Map<String, String> properties, Path log) {
        this.jar = jar;
        this.properties = properties;
        this.log = log;
        this.port = Integer.parseInt(properties.getOrDefault("quarkus.http.port", "8080"));
    }

    public static Path packagedJar() {
        Path jar = Path.of(System.getProperty("igme.service.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " does not exist: package the service first (./mvnw package)");
        }
        return jar;
    }

    /**
     * The configuration of a service process against the test infrastructure: a free HTTP port,
     * the broker, the database, the webhook secret, one account whose replies go to
     * {@code graphUrl}, the rules file and the test JWT key. Callers add what their run needs.
     */
    public static Map<String, String> configFor(KafkaBroker kafka, Postgres postgres, String appSecret, String account,
            String graphUrl, Path rulesFile) {
        return configFor(kafka.bootstrapServers(), postgres, appSecret, account, graphUrl, rulesFile);
    }

    /** As above, for any broker or cluster ({@code bootstrapServers} may list several). */
    public static Map<String, String> configFor(String bootstrapServers, Postgres postgres, String appSecret, String account,
            String graphUrl, Path rulesFile) {
        Map<String, String> config = new java.util.HashMap<>();
        config.put("quarkus.http.port", String.valueOf(FreePort.any()));
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        config.put("igme.webhook.verify-token", "process-verify-token");
        config.put("igme.webhook.app-secrets", appSecret);
        config.put("igme.accounts.\"" + account + "\".access-token", "process-access-token");
        config.put("igme.graph.instagram-url", graphUrl);
        config.put("igme.reply.rules-file", rulesFile.toAbsolutePath().toString());
        config.put("mp.jwt.verify.publickey.location", Path.of("src/test/resources/jwt/public.pem").toAbsolutePath().toString());
        return config;
    }

    /**
     * Starts the service and waits until it reports ready: up to {@code igme.test.service-start-timeout}
     * (default 240 s; a shared machine under load has taken more than 90 s to start one).
     */
    public ServiceProcess start(String... jvmOptions) throws IOException, InterruptedException {
        launch(jvmOptions);
        awaitReady(Duration.parse(System.getProperty("igme.test.service-start-timeout", "PT240S")));
        return this;
    }

    /** Runs a service that is meant to exit by itself (a migration job) and returns its exit code. */
    public int runToExit(Duration timeout, String... jvmOptions) throws IOException, InterruptedException {
        launch(jvmOptions);
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the service did not exit within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    private void launch(String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as in the image (docker/Dockerfile)
        process = builder.start();
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not become ready within " + timeout + "; see " + log);
    }

    /** Like a crashed pod: no shutdown hooks, nothing flushed, nothing committed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Memory in KiB, from /proc: resident now, peak resident, and the resident part that is
     * anonymous (heap, metaspace, malloc) and file-backed (the JVM's own code, the modules image).
     */
    public long[] residentKib() throws IOException {
        long[] kib = new long[4];
        String[] fields = {"VmRSS:", "VmHWM:", "RssAnon:", "RssFile:"};
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            for (int i = 0; i < fields.length; i++) {
                if (line.startsWith(fields[i])) {
                    kib[i] = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return kib;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
