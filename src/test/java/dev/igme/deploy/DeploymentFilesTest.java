package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.igme.platform.Role;
import dev.igme.reply.rules.RulesFileImport;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * docker/ and k8s/ are checked here, since no Docker engine or cluster runs on our machines: every
 * Kubernetes object must parse into Kubernetes' own model with no field the model does not know,
 * and everything must agree with what the application reads (config keys, port, health paths,
 * topics, roles). A broken manifest fails the build.
 */
class DeploymentFilesTest {

    private static final Path K8S = Path.of("k8s/base");
    private static final Path DOCKER = Path.of("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Topics the application produces to and consumes from, read from application.properties. */
    private static Set<String> appTopics;
    /** Environment variable patterns of every property in the README's configuration table. */
    private static List<Pattern> documentedEnv;
    private static List<HasMetadata> resources;
    /** The largest record the application produces (the raw and dead-letter producers). */
    private static long maxRequestSize;

    @BeforeAll
    static void load() throws IOException {
        Properties app = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        appTopics = app.stringPropertyNames().stream()
                .filter(k -> k.startsWith("mp.messaging.") && k.endsWith(".topic"))
                .map(app::getProperty).collect(Collectors.toSet());
        assertEquals(Set.of("instagram.webhook.raw", "instagram.attributions", "instagram.webhook.raw.dlq"), appTopics);
        maxRequestSize = Long.parseLong(app.getProperty("mp.messaging.outgoing.webhook-raw-out.max.request.size"));
        assertEquals(String.valueOf(maxRequestSize), app.getProperty("mp.messaging.outgoing.dead-letters-out.max.request.size"));

        documentedEnv = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z][^`]*)` \\|").matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            documentedEnv.add(envPattern(row.group(1)));
        }
        assertTrue(documentedEnv.size() > 20, "the README's configuration table was found");

        resources = new ArrayList<>();
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (String file : kustomizationResources()) {
            Object parsed = serialization.unmarshal(Files.newInputStream(K8S.resolve(file)));
            if (parsed instanceof List<?> list) {
                list.forEach(o -> resources.add((HasMetadata) o));
            } else {
                resources.add((HasMetadata) parsed);
            }
        }
    }

    /**
     * A property's environment variable as SmallRye Config maps it: a quoted map key
     * ({@code igme.accounts."<ig-id>".access-token}) becomes {@code __<KEY>__}, every other
     * character that is not a letter or digit {@code _}; {@code *} stands for any suffix.
     */
    static Pattern envPattern(String property) {
        String env = property.replaceAll("\\.\"[^\"]*\"\\.", "\u0000").toUpperCase().replaceAll("[^A-Z0-9\u0000*]", "_");
        return Pattern.compile(Pattern.quote(env).replace("\u0000", "\\E__[A-Z0-9_]+__\\Q").replace("*", "\\E.*\\Q"));
    }

    private static List<String> kustomizationResources() throws IOException {
        JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        List<String> files = new ArrayList<>();
        kustomization.get("resources").forEach(n -> files.add(n.asText()));
        return files;
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static void assertDocumented(String where, String env) {
        if (env.equals("JAVA_OPTS_APPEND")) { // the image's JVM hook, not an application property
            assertTrue(readme().contains("`JAVA_OPTS_APPEND`"), "the README explains JAVA_OPTS_APPEND");
            return;
        }
        assertTrue(documentedEnv.stream().anyMatch(p -> p.matcher(env).matches()),
                where + " sets " + env + ", which is no property in the README's configuration table");
    }

    private static String readme() {
        try {
            return Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- Kubernetes --------------------------------------------------------------------------------

    @Test
    void kustomizationListsEveryManifestAndNothingElse() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            Set<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toSet());
            assertEquals(present, new HashSet<>(kustomizationResources()));
        }
    }

    @Test
    void everyObjectUsesOnlyFieldsOfTheKubernetesApi() {
        assertFalse(resources.isEmpty());
        for (HasMetadata resource : resources) {
            if (resource instanceof GenericKubernetesResource) {
                continue; // custom resources: checked by their own test
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, resource.getKind() + "/" + resource.getMetadata().getName(), unknown);
            assertEquals(List.of(), unknown, "fields the Kubernetes API does not have");
        }
    }

    /** fabric8 keeps fields it does not know in additionalProperties: a typo lands there. */
    private static void unknownFields(Object value, String path, List<String> unknown) {
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            if (value instanceof Collection<?> items) {
                int i = 0;
                for (Object item : items) {
                    unknownFields(item, path + "[" + i++ + "]", unknown);
                }
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown));
            }
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    unknownFields(child, path + "." + getter.getName().substring(3), unknown);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void oneDeploymentPerRoleFromTheSameImageWithProbesOnTheHealthPathsAndPort8080() {
        List<Deployment> deployments = all(Deployment.class);
        assertEquals(3, deployments.size());
        Set<Role> covered = EnumSet.noneOf(Role.class);
        Set<String> images = new HashSet<>();
        for (Deployment d : deployments) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            images.add(c.getImage());
            Set<Role> roles = Role.parse(env(c).get("IGME_ROLES").getValue());
            assertEquals(1, roles.size(), d.getMetadata().getName() + " runs one role");
            assertTrue(covered.addAll(roles), "each role runs in one Deployment");
            assertEquals(8080, c.getPorts().get(0).getContainerPort(), "quarkus.http.port");
            assertEquals("http", c.getPorts().get(0).getName());
            assertProbe(c.getStartupProbe(), "/q/health/started");
            assertProbe(c.getLivenessProbe(), "/q/health/live");
            assertProbe(c.getReadinessProbe(), "/q/health/ready");
            assertNotNull(c.getResources().getRequests().get("cpu"));
            assertNotNull(c.getResources().getRequests().get("memory"));
            assertNotNull(c.getResources().getLimits().get("memory"));
            assertTrue(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
            assertEquals(d.getSpec().getSelector().getMatchLabels(), subset(d.getSpec().getTemplate().getMetadata().getLabels(),
                    d.getSpec().getSelector().getMatchLabels().keySet()), "the selector matches the pod labels");
        }
        assertEquals(EnumSet.allOf(Role.class), covered);
        assertEquals(1, images.size(), "one image for every role");
    }

    private static void assertProbe(Probe probe, String path) {
        assertNotNull(probe, path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }

    @Test
    void secretsAreReferencedNeverWrittenAndEveryVariableIsADocumentedProperty() {
        for (Deployment d : all(Deployment.class)) {
            for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                assertDocumented(d.getMetadata().getName(), e.getName());
                if (e.getName().matches(".*(TOKEN|SECRET|PASSWORD).*")) {
                    assertTrue(e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null,
                            e.getName() + " in " + d.getMetadata().getName() + " must come from a Secret");
                }
            }
        }
        for (ConfigMap map : all(ConfigMap.class)) {
            if (map.getMetadata().getName().equals("igme-config")) {
                map.getData().keySet().forEach(key -> {
                    assertDocumented("ConfigMap igme-config", key);
                    assertFalse(key.matches(".*(TOKEN|SECRET|PASSWORD).*"), key + " belongs in a Secret");
                });
            }
        }
        assertTrue(resources.stream().noneMatch(r -> r.getKind().equals("Secret")), "no Secret with values in the base");
    }

    @Test
    void roleDeploymentsGetTheSecretsAndStateTheirRoleNeeds() {
        Map<String, Set<String>> envByRole = new HashMap<>();
        for (Deployment d : all(Deployment.class)) {
            Map<String, EnvVar> env = env(d.getSpec().getTemplate().getSpec().getContainers().get(0));
            envByRole.put(env.get("IGME_ROLES").getValue(), env.keySet());
        }
        assertTrue(envByRole.get("ingress").containsAll(Set.of("IGME_WEBHOOK_VERIFY_TOKEN", "IGME_WEBHOOK_APP_SECRETS")));
        assertFalse(envByRole.get("ingress").contains("QUARKUS_DATASOURCE_PASSWORD"), "the ingress needs no database");
        assertTrue(envByRole.get("normalizer").contains("QUARKUS_DATASOURCE_PASSWORD"));
        assertTrue(envByRole.get("replier").contains("QUARKUS_DATASOURCE_PASSWORD"));
        assertTrue(envByRole.get("replier").stream().anyMatch(n -> n.matches("IGME_ACCOUNTS__\\d+__ACCESS_TOKEN")));
    }

    @Test
    void servicesIngressAutoscalerAndBudgetsPointAtRealPods() {
        Map<String, Map<String, String>> podLabels = all(Deployment.class).stream().collect(Collectors.toMap(
                d -> d.getMetadata().getName(), d -> d.getSpec().getTemplate().getMetadata().getLabels()));
        for (Service s : all(Service.class)) {
            List<String> selected = podLabels.entrySet().stream()
                    .filter(e -> e.getValue().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                    .map(Map.Entry::getKey).toList();
            assertFalse(selected.isEmpty(), s.getMetadata().getName() + " selects no pod");
            assertEquals("http", s.getSpec().getPorts().get(0).getTargetPort().getStrVal());
            if (s.getMetadata().getName().equals("igme-webhook")) {
                assertEquals(List.of("igme-ingress"), selected);
            } else {
                assertEquals(List.of("igme-replier"), selected, "the API is served where the replier runs");
            }
        }
        Set<String> services = all(Service.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
        Ingress ingress = all(Ingress.class).get(0);
        Map<String, String> backendByPath = ingress.getSpec().getRules().get(0).getHttp().getPaths().stream()
                .collect(Collectors.toMap(p -> p.getPath(), p -> p.getBackend().getService().getName()));
        assertEquals(Map.of("/webhooks/instagram", "igme-webhook", "/api", "igme-api"), backendByPath);
        assertTrue(services.containsAll(backendByPath.values()));

        HorizontalPodAutoscaler hpa = all(HorizontalPodAutoscaler.class).get(0);
        assertEquals("igme-ingress", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(podLabels.containsKey(hpa.getSpec().getScaleTargetRef().getName()));

        List<PodDisruptionBudget> budgets = all(PodDisruptionBudget.class);
        assertEquals(3, budgets.size());
        for (PodDisruptionBudget pdb : budgets) {
            assertTrue(podLabels.values().stream().anyMatch(l -> l.entrySet().containsAll(
                    pdb.getSpec().getSelector().getMatchLabels().entrySet())), pdb.getMetadata().getName() + " selects nothing");
        }
    }

    @Test
    void strimziTopicsAreTheApplicationsTopics() {
        List<GenericKubernetesResource> topics = all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("KafkaTopic")).toList();
        Set<String> names = new HashSet<>();
        for (GenericKubernetesResource topic : topics) {
            assertEquals("kafka.strimzi.io/v1beta2", topic.getApiVersion());
            assertNotNull(topic.getMetadata().getLabels().get("strimzi.io/cluster"));
            Map<String, Object> spec = topic.get("spec");
            assertTrue(Set.of("topicName", "partitions", "replicas", "config").containsAll(spec.keySet()),
                    "KafkaTopic spec fields: " + spec.keySet());
            assertTrue(((Number) spec.get("partitions")).intValue() > 0);
            assertTrue(((Number) spec.get("replicas")).intValue() > 0);
            names.add((String) spec.get("topicName"));
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) spec.get("config");
            assertTrue(Long.parseLong(String.valueOf(config.get("max.message.bytes"))) >= maxRequestSize,
                    spec.get("topicName") + " must take records as large as the producers send (" + maxRequestSize + ")");
        }
        assertEquals(appTopics, names);
    }

    @Test
    void replyRulesConfigMapHoldsValidRulesWhereTheReplierReadsThem() throws IOException {
        ConfigMap rules = all(ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals("igme-reply-rules"))
                .findFirst().orElseThrow();
        Path file = Files.createTempFile("rules", ".json");
        Files.writeString(file, rules.getData().get("rules.json"));
        assertFalse(RulesFileImport.read(file, new ObjectMapper()).isEmpty());

        String rulesFile = all(ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals("igme-config"))
                .findFirst().orElseThrow().getData().get("IGME_REPLY_RULES_FILE");
        Deployment replier = all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals("igme-replier"))
                .findFirst().orElseThrow();
        String mount = replier.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(v -> v.getName().equals("reply-rules")).findFirst().orElseThrow().getMountPath();
        assertEquals(mount + "/rules.json", rulesFile);
    }

    // --- Docker ------------------------------------------------------------------------------------

    @Test
    void composeRunsTheServiceAgainstItsKafkaAndPostgresWithDocumentedSettings() throws IOException {
        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yml").toFile());
        JsonNode services = compose.get("services");
        for (String name : List.of("kafka", "topics", "postgres", "igme")) {
            assertNotNull(services.get(name), "compose service " + name);
        }
        JsonNode igme = services.get("igme");
        assertEquals("8080:8080", igme.get("ports").get(0).asText());
        assertEquals("../", igme.get("build").get("context").asText() + "/");
        assertEquals("docker/Dockerfile", igme.get("build").get("dockerfile").asText());
        Map<String, String> env = new HashMap<>();
        igme.get("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.keySet().forEach(key -> assertDocumented("compose service igme", key));
        assertEquals(EnumSet.allOf(Role.class), Role.parse(env.get("IGME_ROLES")));
        assertEquals("8080", env.get("QUARKUS_HTTP_PORT"));

        JsonNode kafka = services.get("kafka").get("environment");
        assertEquals("PLAINTEXT://" + env.get("KAFKA_BOOTSTRAP_SERVERS"), kafka.get("KAFKA_ADVERTISED_LISTENERS").asText());
        JsonNode postgres = services.get("postgres").get("environment");
        assertEquals("postgresql://postgres:5432/" + postgres.get("POSTGRES_DB").asText(), env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        assertEquals(postgres.get("POSTGRES_USER").asText(), env.get("QUARKUS_DATASOURCE_USERNAME"));
        assertEquals(postgres.get("POSTGRES_PASSWORD").asText(), env.get("QUARKUS_DATASOURCE_PASSWORD"));

        String createTopics = services.get("topics").get("command").get(0).asText();
        Set<String> created = new HashSet<>();
        Matcher m = Pattern.compile("(instagram\\.[a-z.]+):\\d+").matcher(createTopics);
        while (m.find()) {
            created.add(m.group(1));
        }
        assertEquals(appTopics, created);
        assertEquals("false", kafka.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText(), "topics come from the topics service");
        assertTrue(createTopics.contains("max.message.bytes=" + maxRequestSize), "compose topics take the largest records");
        assertTrue(kafka.get("KAFKA_MESSAGE_MAX_BYTES").asLong() >= maxRequestSize);
    }

    @Test
    void dockerfileRunsTheFastJarAsANonRootUserOnPort8080() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("EXPOSE 8080"));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
        assertTrue(user.find(), "the image sets a USER");
        assertFalse(Set.of("0", "root").contains(user.group(1)), "not root");
        assertTrue(dockerfile.contains("/app/quarkus-run.jar"));
        for (String layer : List.of("quarkus-app/lib/", "quarkus-app/app/", "quarkus-app/quarkus/")) {
            assertTrue(dockerfile.contains("/src/target/" + layer), "copies " + layer);
        }
        assertTrue(dockerfile.contains("MaxRAMPercentage"), "the heap follows the container limit");
        assertTrue(Files.readString(Path.of(".dockerignore")).contains("target/"));
    }

    @Test
    void theBenchmarkMeasuresTheJvmFlagsTheImageShips() throws IOException {
        Matcher javaOpts = Pattern.compile("ENV JAVA_OPTS=\"([^\"]*)\"").matcher(Files.readString(DOCKER.resolve("Dockerfile")));
        assertTrue(javaOpts.find(), "the Dockerfile sets JAVA_OPTS");
        List<String> shipped = List.of(javaOpts.group(1).replace("\\\n", " ").trim().split("\\s+"));
        for (String flag : dev.igme.bench.Benchmark.JVM_OPTIONS) {
            assertTrue(shipped.contains(flag), "the image runs with " + flag + " like the benchmark: " + shipped);
        }
    }

    @Test
    void eachRoleRunsWithTheHeapTheBenchmarkMeasured() throws IOException {
        assertTrue(Files.readString(DOCKER.resolve("Dockerfile")).contains("exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar"),
                "the image takes per-Deployment JVM flags");
        for (Deployment d : all(Deployment.class)) {
            Map<String, EnvVar> env = env(d.getSpec().getTemplate().getSpec().getContainers().get(0));
            String role = env.get("IGME_ROLES").getValue();
            assertEquals(dev.igme.bench.Benchmark.HEAP_BY_ROLES.get(role), env.get("JAVA_OPTS_APPEND").getValue(), role);
        }
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static Map<String, String> subset(Map<String, String> labels, Set<String> keys) {
        return labels.entrySet().stream().filter(e -> keys.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void envPatternsFollowSmallRyesMapping() {
        assertTrue(envPattern("igme.webhook.app-secrets").matcher("IGME_WEBHOOK_APP_SECRETS").matches());
        assertTrue(envPattern("igme.accounts.\"<ig-id>\".access-token").matcher("IGME_ACCOUNTS__178414__ACCESS_TOKEN").matches());
        assertFalse(envPattern("igme.webhook.app-secrets").matcher("IGME_WEBHOOK_APP_SECRET").matches());
        if (!envPattern("kafka.bootstrap.servers").matcher("KAFKA_BOOTSTRAP_SERVERS").matches()) {
            fail("standard keys map too");
        }
    }
}
