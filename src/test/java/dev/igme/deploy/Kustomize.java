package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * Renders the kustomizations under {@code k8s/} with {@code kubectl kustomize}, so that the tests
 * check what {@code kubectl apply -k} would send, not the files it is made of. kubectl is looked up
 * as the system property {@code kubectl}, the environment variable {@code KUBECTL}, or on the PATH;
 * its embedded kustomize must be v5 or later (the one in Debian's kubernetes-client 1.20 cannot
 * read a {@code labels:} field). A missing or older kubectl fails the tests, it never skips them.
 */
final class Kustomize {

    static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();
    private static volatile boolean versionChecked;

    private Kustomize() {
    }

    /** Every directory under k8s/ that holds a kustomization.yaml. */
    static List<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent).sorted().toList();
        }
    }

    /** The objects {@code kubectl kustomize dir} renders, in its order. */
    static List<ObjectNode> render(Path dir) {
        return RENDERED.computeIfAbsent(dir.normalize(), Kustomize::run);
    }

    private static List<ObjectNode> run(Path dir) {
        checkVersion();
        String yaml = exec(List.of(kubectl(), "kustomize", dir.toString()));
        List<ObjectNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node instanceof ObjectNode object) {
                    objects.add(object);
                }
            });
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize " + dir + " printed no readable YAML", e);
        }
        return objects;
    }

    private static String kubectl() {
        String configured = System.getProperty("kubectl", System.getenv("KUBECTL"));
        return configured == null || configured.isBlank() ? "kubectl" : configured;
    }

    private static synchronized void checkVersion() {
        if (versionChecked) {
            return;
        }
        String version = exec(List.of(kubectl(), "version", "--client", "-o", "json"));
        Matcher kustomize = Pattern.compile("\"kustomizeVersion\"\\s*:\\s*\"v?(\\d+)[^\"]*\"").matcher(version);
        if (!kustomize.find() || Integer.parseInt(kustomize.group(1)) < 5) {
            fail(kubectl() + " has no kustomize v5 or later (" + version.replaceAll("\\s+", " ")
                    + "); the k8s/ kustomizations need it. .ci/run installs a suitable kubectl; "
                    + "locally, put kubectl 1.27 or later on the PATH or pass -Dkubectl=/path/to/kubectl");
        }
        versionChecked = true;
    }

    private static String exec(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return fail("cannot run '" + command.get(0) + "' (" + e.getMessage() + "): the deploy tests render k8s/ "
                    + "with kubectl's kustomize (v5 or later). .ci/run installs it; locally, put kubectl 1.27 or "
                    + "later on the PATH or pass -Dkubectl=/path/to/kubectl");
        }
        try {
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                return fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + err.join());
            }
            return out.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
