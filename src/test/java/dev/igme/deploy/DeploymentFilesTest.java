package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.igme.link.directory.LinkPublisher;
import dev.igme.platform.Role;
import dev.igme.platform.RoleChannels;
import dev.igme.reply.rules.RulesFileImport;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * docker/ and k8s/ are checked here, since no Docker engine or cluster runs on our machines: the
 * kustomizations are rendered as {@code kubectl apply -k} would send them (their schemas are checked
 * by {@link RenderedManifestsTest}), and everything must agree with what the application reads
 * (config keys, port, health paths, topics, consumer groups, roles, metrics). A broken manifest
 * fails the build.
 */
class DeploymentFilesTest {

    private static final Path BASE = Path.of("k8s/base");
    private static final Path PRODUCTION = Path.of("k8s/overlays/production");
    private static final Path KAFKA = Path.of("k8s/kafka");
    private static final Path OBSERVABILITY = Path.of("k8s/observability");
    private static final Path DOCKER = Path.of("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    /**
     * The role whose KafkaUser each messaging channel of application.properties runs as. A new
     * channel fails {@link #load()} until it is listed here and its role's ACLs allow it.
     */
    private static final Map<String, String> CHANNEL_ROLES = Map.of(
            "webhook-raw-out", "ingress",
            "link-clicks-out", "ingress",
            "webhook-raw-in", "normalizer",
            "link-clicks-in", "normalizer",
            "attributions-out", "normalizer",
            "dead-letters-out", "normalizer",
            "attributions-in", "replier",
            "attribution-dead-letters-out", "replier",
            "links-out", "replier");
    /**
     * Kafka clients outside the messaging channels, by topic: the redirect's link directory on the
     * ingress reads every partition of the compacted links topic itself, without a consumer group.
     */
    private static final Map<String, String> GROUPLESS_READERS = Map.of(LinkPublisher.TOPIC, "ingress");
    /**
     * Metrics the alerts and the dashboard use before the application registers them (README:
     * "coming"); once it does, they are checked like every other meter.
     */
    private static final Set<String> COMING_METRICS = Set.of("igme_account_last_delivery_age_seconds");

    private static Properties app;
    /** Topics the application produces to and consumes from, read from application.properties. */
    private static Set<String> appTopics;
    /** Environment variable patterns of every property in the README's configuration table. */
    private static List<Pattern> documentedEnv;
    /** The largest record the application produces (the raw and dead-letter producers). */
    private static long maxRequestSize;

    @BeforeAll
    static void load() throws IOException {
        app = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        appTopics = app.stringPropertyNames().stream()
                .filter(k -> k.startsWith("mp.messaging.") && k.endsWith(".topic"))
                .map(app::getProperty).collect(Collectors.toSet());
        assertTrue(appTopics.containsAll(Set.of("instagram.webhook.raw", "instagram.attributions", "instagram.webhook.raw.dlq",
                "instagram.links", "instagram.link.clicks")), "the contract's topics: " + appTopics);
        assertTrue(appTopics.containsAll(GROUPLESS_READERS.keySet()));
        assertEquals(CHANNEL_ROLES.keySet(), channels().keySet(),
                "every messaging channel has a role whose KafkaUser may use its topic (CHANNEL_ROLES, k8s/kafka/kafka-users.yaml)");
        Map<String, String> consumers = new HashMap<>();
        consumerRoles().forEach((channel, role) -> consumers.put(channel, role.name().toLowerCase()));
        Map<String, String> incoming = new HashMap<>(CHANNEL_ROLES);
        incoming.keySet().retainAll(consumers.keySet());
        assertEquals(consumers, incoming, "the roles whose instances open each consumer (RoleChannels)");
        assertEquals(consumers.keySet(), channels().entrySet().stream().filter(e -> e.getValue().equals("incoming"))
                .map(Map.Entry::getKey).collect(Collectors.toSet()), "RoleChannels knows every consumer");
        maxRequestSize = Long.parseLong(app.getProperty("mp.messaging.outgoing.webhook-raw-out.max.request.size"));
        assertEquals(String.valueOf(maxRequestSize), app.getProperty("mp.messaging.outgoing.dead-letters-out.max.request.size"));

        documentedEnv = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z][^`]*)` \\|").matcher(readmeSection("Configuration"));
        while (row.find()) {
            documentedEnv.add(envPattern(row.group(1)));
        }
        assertTrue(documentedEnv.size() > 20, "the README's configuration table was found");
    }

    /** Consumer channel → the role that opens it, as the application switches them (RoleChannels.CONSUMERS). */
    @SuppressWarnings("unchecked")
    private static Map<String, Role> consumerRoles() {
        try {
            var field = RoleChannels.class.getDeclaredField("CONSUMERS");
            field.setAccessible(true);
            return (Map<String, Role>) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("RoleChannels.CONSUMERS", e);
        }
    }

    /** Channel name → "incoming" or "outgoing", from application.properties. */
    private static Map<String, String> channels() {
        Map<String, String> channels = new HashMap<>();
        Pattern topic = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.topic");
        app.stringPropertyNames().forEach(k -> {
            Matcher m = topic.matcher(k);
            if (m.matches()) {
                channels.put(m.group(2), m.group(1));
            }
        });
        return channels;
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

    private static List<HasMetadata> objects(Path kustomization) {
        List<HasMetadata> objects = new ArrayList<>();
        for (ObjectNode node : Kustomize.render(kustomization)) {
            try {
                objects.add(KUBERNETES.unmarshal(JSON.writeValueAsString(node)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    private static <T extends HasMetadata> List<T> all(Path kustomization, Class<T> type) {
        return objects(kustomization).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<ObjectNode> custom(Path kustomization, String kind) {
        return Kustomize.render(kustomization).stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static <T extends HasMetadata> T named(Path kustomization, Class<T> type, String name) {
        return all(kustomization, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(kustomization + " renders no " + type.getSimpleName() + " " + name));
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
            throw new UncheckedIOException(e);
        }
    }

    /** From the heading "## name" (or ###, ####) to the next heading of the same or a higher level. */
    private static String readmeSection(String name) {
        Matcher heading = Pattern.compile("(?m)^(#+) " + Pattern.quote(name) + "$").matcher(readme());
        assertTrue(heading.find(), "the README has a section " + name);
        String rest = readme().substring(heading.end());
        Matcher next = Pattern.compile("(?m)^#{1," + heading.group(1).length() + "} ").matcher(rest);
        return next.find() ? rest.substring(0, next.start()) : rest;
    }

    private static Container container(PodSpec pod) {
        return pod.getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static String role(Deployment d) {
        return env(container(d.getSpec().getTemplate().getSpec())).get("IGME_ROLES").getValue();
    }

    private static Map<String, String> subset(Map<String, String> labels, Set<String> keys) {
        return labels.entrySet().stream().filter(e -> keys.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    // --- Kustomizations ----------------------------------------------------------------------------

    @Test
    void everyKustomizationUsesEveryFileBesideItAndNothingElse() throws IOException {
        for (Path dir : Kustomize.kustomizations()) {
            JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
            Set<String> used = new TreeSet<>();
            k.path("resources").forEach(n -> used.add(n.asText()));
            k.path("patches").forEach(n -> {
                if (n.has("path")) {
                    used.add(n.get("path").asText());
                }
            });
            k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> used.add(f.asText().replaceFirst("^[^=]*=", ""))));
            used.removeIf(entry -> Files.isDirectory(dir.resolve(entry)));
            try (Stream<Path> files = Files.list(dir)) {
                Set<String> present = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(n -> (n.endsWith(".yaml") || n.endsWith(".json")) && !n.equals("kustomization.yaml"))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(present, used, dir + "/kustomization.yaml uses exactly the files beside it");
            }
        }
    }

    // --- Deployments, in the base and in the production overlay ------------------------------------

    @Test
    void oneDeploymentPerRoleFromTheSameImageWithProbesOnTheHealthPathsAndPort8080() {
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            List<Deployment> deployments = all(kustomization, Deployment.class);
            assertEquals(3, deployments.size());
            Set<Role> covered = EnumSet.noneOf(Role.class);
            Set<String> images = new HashSet<>();
            for (Deployment d : deployments) {
                Container c = container(d.getSpec().getTemplate().getSpec());
                images.add(c.getImage());
                Set<Role> roles = Role.parse(role(d));
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
    }

    private static void assertProbe(Probe probe, String path) {
        assertNotNull(probe, path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }

    @Test
    void secretsAreReferencedNeverWrittenAndEveryVariableIsADocumentedProperty() throws IOException {
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            List<PodSpec> pods = new ArrayList<>();
            all(kustomization, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
            all(kustomization, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
            for (PodSpec pod : pods) {
                for (EnvVar e : container(pod).getEnv()) {
                    assertDocumented(kustomization.toString(), e.getName());
                    if (e.getName().matches(".*(TOKEN|SECRET|PASSWORD|JAAS).*")) {
                        assertTrue(e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null,
                                e.getName() + " in " + kustomization + " must come from a Secret");
                    }
                }
            }
            ConfigMap config = named(kustomization, ConfigMap.class, "igme-config");
            config.getData().keySet().forEach(key -> {
                assertDocumented(kustomization + " ConfigMap igme-config", key);
                assertFalse(key.matches(".*(TOKEN|SECRET|PASSWORD|JAAS).*"), key + " belongs in a Secret");
            });
        }
        for (Path kustomization : Kustomize.kustomizations()) {
            assertTrue(objects(kustomization).stream().noneMatch(r -> r.getKind().equals("Secret")),
                    "no Secret with values in " + kustomization);
        }
    }

    @Test
    void roleDeploymentsGetTheSecretsAndStateTheirRoleNeeds() {
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            Map<String, Set<String>> envByRole = new HashMap<>();
            for (Deployment d : all(kustomization, Deployment.class)) {
                envByRole.put(role(d), env(container(d.getSpec().getTemplate().getSpec())).keySet());
            }
            assertTrue(envByRole.get("ingress").containsAll(Set.of("IGME_WEBHOOK_VERIFY_TOKEN", "IGME_WEBHOOK_APP_SECRETS")));
            assertFalse(envByRole.get("ingress").contains("QUARKUS_DATASOURCE_PASSWORD"), "the ingress needs no database");
            assertTrue(envByRole.get("normalizer").contains("QUARKUS_DATASOURCE_PASSWORD"));
            assertTrue(envByRole.get("replier").contains("QUARKUS_DATASOURCE_PASSWORD"));
            assertTrue(envByRole.get("replier").stream().anyMatch(n -> n.matches("IGME_ACCOUNTS__\\d+__ACCESS_TOKEN")));
            envByRole.forEach((role, env) -> assertTrue(env.contains("IGME_LINKS_SIGNING_KEYS"),
                    role + " reads refs: the normalizer verifies them, the replier mints them, the redirect signs its click ids"));
        }
    }

    @Test
    void theConsolesPodsTakeTheSchemeTheGatewayForwards_andNoOtherRoleDoes() {
        Map<String, String> forwarded = new HashMap<>();
        dev.igme.console.ConsoleBehindTlsGatewayTest.BehindTlsGateway.FORWARDED.forEach((property, value) ->
                forwarded.put(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            for (Deployment d : all(kustomization, Deployment.class)) {
                Map<String, EnvVar> env = env(container(d.getSpec().getTemplate().getSpec()));
                forwarded.forEach((name, value) -> {
                    if (role(d).equals("replier")) {
                        assertEquals(value, env.get(name) == null ? null : env.get(name).getValue(), name + " on " + kustomization);
                    } else {
                        assertFalse(env.containsKey(name), role(d) + " sets " + name + ": its hot routes need no scheme");
                    }
                });
            }
        }
    }

    @Test
    void eachRoleRunsWithTheHeapTheBenchmarkMeasured() throws IOException {
        assertTrue(Files.readString(DOCKER.resolve("Dockerfile")).contains("exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar"),
                "the image takes per-Deployment JVM flags");
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            for (Deployment d : all(kustomization, Deployment.class)) {
                Map<String, EnvVar> env = env(container(d.getSpec().getTemplate().getSpec()));
                assertEquals(dev.igme.bench.Benchmark.HEAP_BY_ROLES.get(role(d)), env.get("JAVA_OPTS_APPEND").getValue(), role(d));
            }
        }
    }

    @Test
    void replyRulesAreGeneratedSoThatAnEditRollsTheRepliersWhichReadThemWhereTheyAreMounted() throws IOException {
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            List<ConfigMap> generated = all(kustomization, ConfigMap.class).stream()
                    .filter(m -> m.getMetadata().getName().startsWith("igme-reply-rules")).toList();
            assertEquals(1, generated.size());
            ConfigMap rules = generated.get(0);
            assertTrue(rules.getMetadata().getName().matches("igme-reply-rules-[a-z0-9]{10}"),
                    "the name carries the content's hash: " + rules.getMetadata().getName());
            Path file = Files.createTempFile("rules", ".json");
            Files.writeString(file, rules.getData().get("rules.json"));
            assertFalse(RulesFileImport.read(file, new ObjectMapper()).isEmpty(), kustomization + ": valid rules");
            Files.delete(file);

            String rulesFile = named(kustomization, ConfigMap.class, "igme-config").getData().get("IGME_REPLY_RULES_FILE");
            PodSpec replier = named(kustomization, Deployment.class, "igme-replier").getSpec().getTemplate().getSpec();
            String mount = container(replier).getVolumeMounts().stream()
                    .filter(v -> v.getName().equals("reply-rules")).findFirst().orElseThrow().getMountPath();
            assertEquals(mount + "/rules.json", rulesFile);
            Volume volume = replier.getVolumes().stream().filter(v -> v.getName().equals("reply-rules")).findFirst().orElseThrow();
            assertEquals(rules.getMetadata().getName(), volume.getConfigMap().getName(), "the repliers mount the generated rules");
        }
    }

    // --- Services, routes, autoscalers, budgets ------------------------------------------------------

    @Test
    void servicesRoutesAutoscalersAndBudgetsPointAtRealPods() {
        for (Path kustomization : List.of(BASE, PRODUCTION)) {
            Map<String, Map<String, String>> podLabels = all(kustomization, Deployment.class).stream().collect(Collectors.toMap(
                    d -> d.getMetadata().getName(), d -> d.getSpec().getTemplate().getMetadata().getLabels()));
            Map<String, Integer> servicePorts = new HashMap<>();
            for (Service s : all(kustomization, Service.class)) {
                List<String> selected = podLabels.entrySet().stream()
                        .filter(e -> e.getValue().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                        .map(Map.Entry::getKey).toList();
                assertEquals("http", s.getSpec().getPorts().get(0).getTargetPort().getStrVal());
                servicePorts.put(s.getMetadata().getName(), s.getSpec().getPorts().get(0).getPort());
                if (s.getMetadata().getName().equals("igme-webhook")) {
                    assertEquals(List.of("igme-ingress"), selected);
                } else {
                    assertEquals(List.of("igme-replier"), selected, "the API and the console are served where the replier runs");
                }
            }

            Map<String, HTTPRoute> routes = all(kustomization, HTTPRoute.class).stream()
                    .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
            assertEquals(Set.of("igme-public", "igme-internal"), routes.keySet());
            assertEquals(Map.of("Exact /webhooks/instagram", "igme-webhook", "PathPrefix /r", "igme-webhook"),
                    backendByPath(routes.get("igme-public"), servicePorts), "public: the webhook and the tracked redirects only");
            assertEquals(Map.of("PathPrefix /api", "igme-api", "PathPrefix /console", "igme-api"),
                    backendByPath(routes.get("igme-internal"), servicePorts), "internal: the API and the console");
            assertFalse(Objects.equals(routes.get("igme-public").getSpec().getParentRefs(), routes.get("igme-internal").getSpec().getParentRefs()),
                    "the API is not on the public Gateway");
            assertTrue(Set.copyOf(routes.get("igme-public").getSpec().getHostnames()).stream()
                    .noneMatch(routes.get("igme-internal").getSpec().getHostnames()::contains), "nor on its host names");
            String publicUrl = named(kustomization, ConfigMap.class, "igme-config").getData().get("IGME_LINKS_PUBLIC_URL");
            assertTrue(routes.get("igme-public").getSpec().getHostnames().stream().anyMatch(h -> publicUrl.equals("https://" + h)),
                    "the tracked URLs " + publicUrl + "/r/<id> point at the public route, which sends /r to the ingress pods");

            List<HorizontalPodAutoscaler> hpas = all(kustomization, HorizontalPodAutoscaler.class);
            assertEquals(List.of("igme-ingress"), hpas.stream().map(h -> h.getSpec().getScaleTargetRef().getName()).toList(),
                    "CPU scales the ingress only; the consumers scale on lag (KEDA)");

            List<PodDisruptionBudget> budgets = all(kustomization, PodDisruptionBudget.class);
            assertEquals(3, budgets.size());
            for (PodDisruptionBudget pdb : budgets) {
                assertTrue(podLabels.values().stream().anyMatch(l -> l.entrySet().containsAll(
                        pdb.getSpec().getSelector().getMatchLabels().entrySet())), pdb.getMetadata().getName() + " selects nothing");
            }
        }
    }

    /** "PathType /path" → backend Service, checking each backend is a Service port that exists. */
    private static Map<String, String> backendByPath(HTTPRoute route, Map<String, Integer> servicePorts) {
        Map<String, String> backends = new HashMap<>();
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            assertEquals(1, rule.getBackendRefs().size());
            String service = rule.getBackendRefs().get(0).getName();
            assertEquals(servicePorts.get(service), rule.getBackendRefs().get(0).getPort(), route.getMetadata().getName() + " → " + service);
            for (HTTPRouteMatch match : rule.getMatches()) {
                assertNull(backends.put(match.getPath().getType() + " " + match.getPath().getValue(), service));
            }
        }
        return backends;
    }

    // --- Kafka: topics and users ---------------------------------------------------------------------

    @Test
    void strimziTopicsAreTheApplicationsTopicsAndTheLinksTopicIsCompacted() {
        Set<String> names = new HashSet<>();
        for (ObjectNode topic : custom(KAFKA, "KafkaTopic")) {
            assertEquals("kafka.strimzi.io/v1", topic.get("apiVersion").asText());
            assertFalse(topic.at("/metadata/labels/strimzi.io~1cluster").asText().isEmpty(), "strimzi.io/cluster label");
            JsonNode spec = topic.get("spec");
            assertTrue(spec.get("partitions").asInt() > 0);
            assertTrue(spec.get("replicas").asInt() >= 3, "a 200 survives the loss of a broker");
            assertTrue(spec.at("/config/min.insync.replicas").asInt() >= 2, "acks=all means two copies");
            String name = spec.get("topicName").asText();
            names.add(name);
            assertTrue(spec.at("/config/max.message.bytes").asLong() >= maxRequestSize,
                    name + " must take records as large as the producers send (" + maxRequestSize + ")");
            if (name.equals(LinkPublisher.TOPIC)) {
                assertEquals("compact", spec.at("/config/cleanup.policy").asText(), "one record per link, kept for as long as it lives");
                assertEquals(spec.get("partitions").asInt(), custom(KAFKA, "KafkaTopic").get(0).at("/spec/partitions").asInt());
            } else {
                assertTrue(spec.at("/config/retention.ms").asLong() > 0, name + " keeps its records for a stated time");
            }
            assertTrue(readmeSection("Kubernetes").contains("`" + name + "`"), "the README's deploy section describes " + name);
        }
        assertEquals(appTopics, names);
    }

    @Test
    void kafkaUsersAllowExactlyWhatEachRoleDoes() {
        Map<String, Set<String>> expected = new HashMap<>();
        channels().forEach((channel, direction) -> {
            String role = CHANNEL_ROLES.get(channel);
            String prefix = "mp.messaging." + direction + "." + channel + ".";
            Set<String> acls = expected.computeIfAbsent("igme-" + role, r -> new TreeSet<>());
            String topic = app.getProperty(prefix + "topic");
            if (direction.equals("outgoing")) {
                acls.addAll(List.of("topic " + topic + " Write", "topic " + topic + " Describe"));
            } else {
                String group = app.getProperty(prefix + "group.id");
                assertNotNull(group, channel + " names its consumer group");
                acls.addAll(List.of("topic " + topic + " Read", "topic " + topic + " Describe",
                        "group " + group + " Read", "group " + group + " Describe"));
            }
        });
        GROUPLESS_READERS.forEach((topic, role) -> expected.get("igme-" + role)
                .addAll(List.of("topic " + topic + " Read", "topic " + topic + " Describe")));

        Map<String, Set<String>> granted = new HashMap<>();
        for (ObjectNode user : custom(KAFKA, "KafkaUser")) {
            assertEquals("kafka.strimzi.io/v1", user.get("apiVersion").asText());
            assertEquals("scram-sha-512", user.at("/spec/authentication/type").asText());
            assertEquals("simple", user.at("/spec/authorization/type").asText());
            Set<String> acls = new TreeSet<>();
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                assertEquals("literal", acl.at("/resource/patternType").asText(), "no prefix grants more than the role uses");
                assertEquals("allow", acl.path("type").asText("allow"));
                acl.get("operations").forEach(op -> acls.add(acl.at("/resource/type").asText() + " "
                        + acl.at("/resource/name").asText() + " " + op.asText()));
            }
            granted.put(user.at("/metadata/name").asText(), acls);
        }
        granted.remove("igme-keda");
        assertEquals(expected, granted, "each role's KafkaUser allows exactly what its channels do");
    }

    private static Set<String> acls(String user) {
        ObjectNode kafkaUser = custom(KAFKA, "KafkaUser").stream().filter(u -> u.at("/metadata/name").asText().equals(user))
                .findFirst().orElseThrow(() -> new AssertionError("no KafkaUser " + user));
        Set<String> acls = new TreeSet<>();
        for (JsonNode acl : kafkaUser.at("/spec/authorization/acls")) {
            acl.get("operations").forEach(op -> acls.add(acl.at("/resource/type").asText() + " "
                    + acl.at("/resource/name").asText() + " " + op.asText()));
        }
        return acls;
    }

    @Test
    void kedaMayDescribeTheTopicsAndGroupsItScalesOnAndNothingElse() {
        Set<String> kedaNeeds = new TreeSet<>();
        for (ObjectNode scaled : custom(PRODUCTION, "ScaledObject")) {
            for (JsonNode trigger : scaled.at("/spec/triggers")) {
                kedaNeeds.add("topic " + trigger.at("/metadata/topic").asText() + " Describe");
                kedaNeeds.add("group " + trigger.at("/metadata/consumerGroup").asText() + " Describe");
            }
        }
        assertEquals(kedaNeeds, acls("igme-keda"));
    }

    @Test
    void productionConnectsToKafkaOverTlsAsTheRolesKafkaUser() {
        ConfigMap config = named(PRODUCTION, ConfigMap.class, "igme-config");
        assertEquals("SASL_SSL", config.getData().get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", config.getData().get("KAFKA_SASL_MECHANISM"));
        assertEquals("PKCS12", config.getData().get("KAFKA_SSL_TRUSTSTORE_TYPE"));
        String truststore = config.getData().get("KAFKA_SSL_TRUSTSTORE_LOCATION");
        Set<String> users = custom(KAFKA, "KafkaUser").stream().map(u -> u.at("/metadata/name").asText()).collect(Collectors.toSet());
        for (Deployment d : all(PRODUCTION, Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Map<String, EnvVar> env = env(container(pod));
            EnvVar jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
            assertEquals("igme-" + role(d), jaas.getValueFrom().getSecretKeyRef().getName(), "the role's own KafkaUser Secret");
            assertTrue(users.contains(jaas.getValueFrom().getSecretKeyRef().getName()));
            assertEquals("sasl.jaas.config", jaas.getValueFrom().getSecretKeyRef().getKey(), "the key Strimzi writes for SCRAM users");
            EnvVar password = env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD");
            String caSecret = password.getValueFrom().getSecretKeyRef().getName();
            assertEquals("ca.password", password.getValueFrom().getSecretKeyRef().getKey());
            Volume ca = pod.getVolumes().stream().filter(v -> v.getSecret() != null && caSecret.equals(v.getSecret().getSecretName()))
                    .findFirst().orElseThrow(() -> new AssertionError(d.getMetadata().getName() + " mounts the cluster CA"));
            String mount = container(pod).getVolumeMounts().stream().filter(m -> m.getName().equals(ca.getName()))
                    .findFirst().orElseThrow().getMountPath();
            assertEquals(mount + "/" + ca.getSecret().getItems().get(0).getPath(), truststore);
            assertEquals("ca.p12", ca.getSecret().getItems().get(0).getKey());
        }
    }

    // --- The production overlay ----------------------------------------------------------------------

    @Test
    void productionRunsAnImmutableImageWithoutAnApiTokenSpreadOverZonesAndNodes() {
        Set<String> images = new HashSet<>();
        List<PodSpec> pods = new ArrayList<>();
        all(PRODUCTION, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        all(PRODUCTION, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        for (PodSpec pod : pods) {
            images.add(container(pod).getImage());
            assertEquals("igme", pod.getServiceAccountName());
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
            assertEquals(Boolean.FALSE, container(pod).getSecurityContext().getAllowPrivilegeEscalation());
        }
        assertEquals(1, images.size(), "one image: " + images);
        assertTrue(images.iterator().next().matches("[^:@]+(:[^@]+)?@sha256:[0-9a-f]{64}"), "pinned by digest: " + images);
        assertTrue(objects(PRODUCTION).stream().anyMatch(o -> o instanceof GenericKubernetesResource && o.getKind().equals("PodMonitor")),
                "the production overlay includes k8s/observability");
        ServiceAccount account = named(PRODUCTION, ServiceAccount.class, "igme");
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
        for (HasMetadata o : objects(PRODUCTION)) {
            if (!o.getKind().equals("Namespace")) {
                assertEquals("igme", o.getMetadata().getNamespace(), o.getKind() + "/" + o.getMetadata().getName());
            }
        }
        for (Deployment d : all(PRODUCTION, Deployment.class)) {
            List<TopologySpreadConstraint> spread = d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
            assertEquals(Set.of("topology.kubernetes.io/zone", "kubernetes.io/hostname"),
                    spread.stream().map(TopologySpreadConstraint::getTopologyKey).collect(Collectors.toSet()));
            for (TopologySpreadConstraint c : spread) {
                assertEquals(d.getSpec().getSelector().getMatchLabels(), c.getLabelSelector().getMatchLabels(),
                        d.getMetadata().getName() + " spreads its own pods");
            }
        }
    }

    @Test
    void productionNetworkPoliciesLetInTheGatewaysAndPrometheusAndOutOnlyWhatEachRoleUses() {
        List<NetworkPolicy> policies = all(PRODUCTION, NetworkPolicy.class);
        Map<String, Map<String, String>> pods = new LinkedHashMap<>();
        all(PRODUCTION, Deployment.class).forEach(d -> pods.put(role(d), d.getSpec().getTemplate().getMetadata().getLabels()));
        all(PRODUCTION, Job.class).forEach(j -> pods.put("migrate", j.getSpec().getTemplate().getMetadata().getLabels()));
        for (Map.Entry<String, Map<String, String>> pod : pods.entrySet()) {
            List<NetworkPolicy> applying = policies.stream().filter(p -> selects(p, pod.getValue())).toList();
            assertTrue(applying.stream().anyMatch(p -> p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                    && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty()), pod.getKey() + ": denied by default");
            Set<String> from = new TreeSet<>();
            Set<String> to = new TreeSet<>();
            for (NetworkPolicy p : applying) {
                p.getSpec().getIngress().forEach(rule -> rule.getFrom().forEach(peer -> from.add(peer(peer))));
                p.getSpec().getEgress().forEach(rule -> rule.getTo().forEach(peer -> rule.getPorts().forEach(
                        port -> to.add(peer(peer) + ":" + port.getPort().getIntVal()))));
            }
            Set<String> expectedFrom = switch (pod.getKey()) {
                case "ingress", "replier" -> Set.of("namespace gateway-system", "namespace monitoring");
                case "normalizer" -> Set.of("namespace monitoring");
                default -> Set.of();
            };
            assertEquals(expectedFrom, from, pod.getKey() + " is reachable from");
            Set<String> expectedTo = new TreeSet<>(Set.of("namespace kube-system:53"));
            if (!pod.getKey().equals("migrate")) {
                expectedTo.add("namespace kafka:9093");
            }
            if (!pod.getKey().equals("ingress")) {
                expectedTo.add("namespace database:5432");
            }
            if (pod.getKey().equals("replier")) {
                expectedTo.addAll(Set.of("ipBlock 0.0.0.0/0:443", "ipBlock ::/0:443"));
            }
            assertEquals(expectedTo, to, pod.getKey() + " may reach");
        }
        assertTrue(Files.exists(Path.of("k8s/overlays/production/networkpolicy.yaml")));
    }

    private static boolean selects(NetworkPolicy policy, Map<String, String> labels) {
        var selector = policy.getSpec().getPodSelector();
        boolean matchLabels = selector.getMatchLabels() == null || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
        boolean matchExpressions = selector.getMatchExpressions() == null || selector.getMatchExpressions().stream().allMatch(e -> {
            assertEquals("In", e.getOperator());
            return e.getValues().contains(labels.get(e.getKey()));
        });
        return matchLabels && matchExpressions;
    }

    private static String peer(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return "ipBlock " + peer.getIpBlock().getCidr();
        }
        return "namespace " + peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
    }

    @Test
    void productionMigratesWithTheSchemaOwnerInAJobAndRunsTheRolesAsAUserWithoutDdl() {
        Job job = named(PRODUCTION, Job.class, "igme-migrate");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        Map<String, EnvVar> jobEnv = env(container(pod));
        assertEquals("true", jobEnv.get("IGME_DATABASE_MIGRATE_ONLY").getValue());
        assertTrue(Role.useDatabase(Role.parse(jobEnv.get("IGME_ROLES").getValue())), "a role whose instance migrates");
        String owner = jobEnv.get("QUARKUS_DATASOURCE_USERNAME").getValue();
        String ownerPassword = jobEnv.get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getKey();
        assertEquals("igme-config", container(pod).getEnvFrom().get(0).getConfigMapRef().getName(), "the roles' database URL");

        ConfigMap config = named(PRODUCTION, ConfigMap.class, "igme-config");
        String runtimeUser = config.getData().get("QUARKUS_DATASOURCE_USERNAME");
        assertFalse(owner.equals(runtimeUser), "the roles do not run as the schema owner");
        assertEquals("false", config.getData().get("IGME_DATABASE_MIGRATE_AT_START"));
        for (Deployment d : all(PRODUCTION, Deployment.class)) {
            Map<String, EnvVar> env = env(container(d.getSpec().getTemplate().getSpec()));
            assertFalse(env.containsKey("QUARKUS_DATASOURCE_USERNAME") || env.containsKey("IGME_DATABASE_MIGRATE_AT_START"),
                    d.getMetadata().getName() + " takes the runtime user and the switch from igme-config");
            if (env.containsKey("QUARKUS_DATASOURCE_PASSWORD")) {
                assertFalse(ownerPassword.equals(env.get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getKey()));
            }
        }
        String users = readmeSection("Database users");
        assertTrue(users.contains(owner) && users.contains(runtimeUser), "the README creates both users");
    }

    @Test
    void kedaScalesTheConsumersOnTheLagOfTheirOwnGroupsWithinThePartitionsAndMetasBudget() {
        Map<String, Integer> partitions = custom(KAFKA, "KafkaTopic").stream().collect(Collectors.toMap(
                t -> t.at("/spec/topicName").asText(), t -> t.at("/spec/partitions").asInt()));
        // "group topic" of every consumer channel, by role: a role may consume in several groups
        Map<String, Set<String>> consumedByRole = new HashMap<>();
        channels().forEach((channel, direction) -> {
            if (direction.equals("incoming")) {
                String prefix = "mp.messaging.incoming." + channel + ".";
                consumedByRole.computeIfAbsent(CHANNEL_ROLES.get(channel), r -> new TreeSet<>())
                        .add(app.getProperty(prefix + "group.id") + " " + app.getProperty(prefix + "topic"));
            }
        });
        String bootstrap = named(PRODUCTION, ConfigMap.class, "igme-config").getData().get("KAFKA_BOOTSTRAP_SERVERS");

        Map<String, Integer> maxReplicas = new HashMap<>();
        for (ObjectNode scaled : custom(PRODUCTION, "ScaledObject")) {
            String target = scaled.at("/spec/scaleTargetRef/name").asText();
            Deployment deployment = named(PRODUCTION, Deployment.class, target);
            assertNull(deployment.getSpec().getReplicas(), target + ": KEDA owns the replica count");
            String role = role(deployment);
            Set<String> consumed = new TreeSet<>();
            int max = scaled.at("/spec/maxReplicaCount").asInt();
            for (JsonNode trigger : scaled.at("/spec/triggers")) {
                assertEquals("kafka", trigger.get("type").asText());
                JsonNode metadata = trigger.get("metadata");
                assertEquals(bootstrap, metadata.get("bootstrapServers").asText());
                assertEquals("scram_sha512", metadata.get("sasl").asText());
                assertEquals("enable", metadata.get("tls").asText());
                assertEquals("earliest", metadata.get("offsetResetPolicy").asText(), "auto.offset.reset of the consumers");
                String topic = metadata.get("topic").asText();
                consumed.add(metadata.get("consumerGroup").asText() + " " + topic);
                assertTrue(max <= partitions.get(topic), target + ": no more consumers than " + topic + " has partitions");
                assertFalse(custom(PRODUCTION, "TriggerAuthentication").stream().noneMatch(
                        a -> a.at("/metadata/name").asText().equals(trigger.at("/authenticationRef/name").asText())));
            }
            assertEquals(consumedByRole.get(role), consumed, target + " scales on the lag of every group and topic it consumes, its own only");
            assertTrue(scaled.at("/spec/minReplicaCount").asInt() >= 2, "two at least, like the budgets assume");
            maxReplicas.put(role, max);
        }
        assertEquals(Set.of("normalizer", "replier"), maxReplicas.keySet());

        Matcher budget = Pattern.compile("(?m)^\\| `igme\\.reply\\.rate-limit` \\| `(\\d+)` \\|").matcher(readme());
        assertTrue(budget.find());
        int rate = Integer.parseInt(named(PRODUCTION, ConfigMap.class, "igme-config").getData().get("IGME_REPLY_RATE_LIMIT"));
        assertTrue(rate * maxReplicas.get("replier") <= Integer.parseInt(budget.group(1)),
                "every replier KEDA may start sends at most Meta's budget divided by their number");
    }

    // --- Observability -------------------------------------------------------------------------------

    @Test
    void everyAlertHasARunbookEntryAndEveryEntryAnAlert() {
        List<ObjectNode> rules = custom(OBSERVABILITY, "PrometheusRule");
        assertEquals(1, rules.size());
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.get(0).at("/spec/groups")) {
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.get("alert").asText();
                alerts.add(alert);
                assertFalse(rule.at("/labels/severity").asText().isEmpty(), alert + " has a severity");
                String runbook = rule.at("/annotations/runbook_url").asText();
                assertTrue(runbook.endsWith("README.md#" + alert.toLowerCase()), alert + " links its runbook entry: " + runbook);
            }
        }
        Set<String> entries = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#### (\\S+)$").matcher(readmeSection("Runbook"));
        while (heading.find()) {
            entries.add(heading.group(1));
        }
        assertEquals(alerts, entries, "README \"Runbook\": one entry (#### <alert>) per alert");
        assertTrue(alerts.containsAll(Set.of("IgmeWebhookNotStored", "IgmeDeadLetters", "IgmeReplyTokenInvalid", "IgmeConsumerLag",
                "IgmeReplyOutboxStuck", "IgmeReplyOutboxBacklog", "IgmeAccountSilent")));
    }

    @Test
    void alertsAndTheDashboardQueryMetricsTheApplicationExports() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode group : custom(OBSERVABILITY, "PrometheusRule").get(0).at("/spec/groups")) {
            group.get("rules").forEach(rule -> queries.add(rule.get("expr").asText()));
        }
        ConfigMap dashboardMap = named(OBSERVABILITY, ConfigMap.class, "igme-grafana-dashboard");
        assertEquals("1", dashboardMap.getMetadata().getLabels().get("grafana_dashboard"), "picked up by Grafana's sidecar");
        JsonNode dashboard = JSON.readTree(dashboardMap.getData().get("grafana-dashboard.json"));
        assertEquals(JSON.readTree(OBSERVABILITY.resolve("grafana-dashboard.json").toFile()), dashboard);
        int panels = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.get("type").asText().equals("row")) {
                panels++;
                assertFalse(panel.path("targets").isEmpty(), panel.get("title").asText());
                panel.get("targets").forEach(t -> queries.add(t.get("expr").asText()));
            }
        }
        assertTrue(panels >= 8);
        String all = String.join("\n", queries);
        for (String name : List.of("igme_webhook_deliveries_total", "igme_webhook_ack_seconds_bucket", "kafka_consumer_fetch_manager_records_lag",
                "igme_normalizer_attributions_total", "igme_replies_total")) {
            assertTrue(all.contains(name), "the dashboard shows " + name);
        }

        Set<String> exported = new HashSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher name = Pattern.compile("\"(igme\\.[a-z0-9_.]+)\"").matcher(Files.readString(source));
                while (name.find()) {
                    exported.add(name.group(1).replace('.', '_'));
                }
            }
        }
        String readme = readme();
        Matcher metric = Pattern.compile("\\b((igme|kafka)_[a-z0-9_]+)\\b").matcher(all);
        while (metric.find()) {
            String name = metric.group(1);
            String meter = name.replaceFirst("(_seconds)?(_total|_bucket|_count|_sum|_max)?$", "");
            if (name.startsWith("kafka_")) {
                assertTrue(readme.contains("`" + name + "`"), name + ": Kafka client metrics used are named in the README");
            } else if (!exported.contains(meter)) {
                assertTrue(COMING_METRICS.contains(name), name + " is a meter the application registers (" + meter + ")");
                assertTrue(readme.matches("(?s).*`" + name + "`[^\n]*coming.*"), name + " is in the README, marked as coming");
            }
        }
    }

    @Test
    void thePodMonitorScrapesTheMetricsPathOnEveryRole() {
        ObjectNode monitor = custom(OBSERVABILITY, "PodMonitor").get(0);
        JsonNode endpoint = monitor.at("/spec/podMetricsEndpoints/0");
        assertEquals("/q/metrics", endpoint.get("path").asText());
        for (Deployment d : all(BASE, Deployment.class)) {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            monitor.at("/spec/selector/matchLabels").fields().forEachRemaining(
                    e -> assertEquals(e.getValue().asText(), labels.get(e.getKey()), d.getMetadata().getName()));
            assertEquals(endpoint.get("port").asText(), container(d.getSpec().getTemplate().getSpec()).getPorts().get(0).getName());
        }
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
        for (String loop : createTopics.split("\\bdone\\b")) {
            if (loop.contains("for spec in")) {
                assertEquals(loop.contains(" " + LinkPublisher.TOPIC + ":"), loop.contains("cleanup.policy=compact"),
                        "compose compacts the links topic, and only it: " + loop);
            }
        }
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
    void envPatternsFollowSmallRyesMapping() {
        assertTrue(envPattern("igme.webhook.app-secrets").matcher("IGME_WEBHOOK_APP_SECRETS").matches());
        assertTrue(envPattern("igme.accounts.\"<ig-id>\".access-token").matcher("IGME_ACCOUNTS__178414__ACCESS_TOKEN").matches());
        assertFalse(envPattern("igme.webhook.app-secrets").matcher("IGME_WEBHOOK_APP_SECRET").matches());
        if (!envPattern("kafka.bootstrap.servers").matcher("KAFKA_BOOTSTRAP_SERVERS").matches()) {
            fail("standard keys map too");
        }
    }
}
