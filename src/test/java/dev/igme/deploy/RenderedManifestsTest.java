package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Renders every kustomization under k8s/ and validates each object offline, as an API server with
 * strict field validation would: Kubernetes' own kinds through fabric8's model (a field the API does
 * not have, or a value of the wrong type, fails), custom resources against the schemas written for
 * this project (src/test/resources/k8s-schemas: the subset of each API the deploy files use, closed
 * against unknown fields, checked against the API versions its README names). An object whose apiVersion
 * and kind match neither fails too, so a wrong apiVersion cannot pass unnoticed.
 */
class RenderedManifestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final JsonSchema NO_SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(JsonNodeFactory.instance.objectNode());

    @Test
    void everyKustomizationRendersAndEveryObjectMatchesItsSchema() throws IOException {
        List<Path> kustomizations = Kustomize.kustomizations();
        assertEquals(Set.of("k8s/base", "k8s/kafka", "k8s/observability", "k8s/overlays/production"),
                kustomizations.stream().map(p -> p.toString().replace('\\', '/')).collect(Collectors.toSet()),
                "the kustomizations this test renders (a new one is picked up by itself; update this list)");
        List<String> problems = new ArrayList<>();
        for (Path dir : kustomizations) {
            List<ObjectNode> objects = Kustomize.render(dir);
            assertFalse(objects.isEmpty(), dir + " renders nothing");
            for (ObjectNode object : objects) {
                problems.addAll(validate(object).stream().map(p -> dir + ": " + p).toList());
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aTypoOrAnApiVersionTheClusterDoesNotServeFails() {
        ObjectNode topic = first("k8s/kafka", "KafkaTopic");
        assertEquals(List.of(), validate(topic));

        ObjectNode typo = topic.deepCopy();
        ((ObjectNode) typo.get("spec")).set("partiton", ((ObjectNode) typo.get("spec")).remove("partitions"));
        assertTrue(validate(typo).stream().anyMatch(p -> p.contains("partiton")), validate(typo).toString());

        ObjectNode beta = topic.deepCopy().put("apiVersion", "kafka.strimzi.io/v1beta2");
        assertTrue(validate(beta).stream().anyMatch(p -> p.contains("no schema")), validate(beta).toString());

        ObjectNode user = first("k8s/kafka", "KafkaUser").deepCopy();
        ObjectNode acl = (ObjectNode) user.at("/spec/authorization/acls/0");
        acl.put("operation", acl.remove("operations").get(0).asText()); // v1beta2's shape
        assertFalse(validate(user).isEmpty(), "v1 KafkaUser ACLs take `operations`, a list");

        ObjectNode deployment = first("k8s/base", "Deployment").deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec")).put("serviceAcountName", "igme");
        assertTrue(validate(deployment).stream().anyMatch(p -> p.contains("serviceAcountName")), validate(deployment).toString());

        ObjectNode route = first("k8s/base", "HTTPRoute").deepCopy();
        ((ObjectNode) route.at("/spec/rules/0/matches/0/path")).put("type", "Prefix"); // Ingress' word, not Gateway API's
        assertFalse(validate(route).isEmpty(), "HTTPRoute path types are Exact, PathPrefix, RegularExpression");

        ObjectNode misspeltRoute = first("k8s/base", "HTTPRoute").deepCopy();
        ObjectNode rule = (ObjectNode) misspeltRoute.at("/spec/rules/0");
        rule.set("backendRef", rule.remove("backendRefs"));
        assertTrue(schemaProblems(misspeltRoute).stream().anyMatch(p -> p.contains("backendRef")), schemaProblems(misspeltRoute).toString());

        ObjectNode compacted = topic.deepCopy();
        ((ObjectNode) compacted.at("/spec/config")).put("cleanup.polcy", "compact");
        assertTrue(validate(compacted).stream().anyMatch(p -> p.contains("cleanup.polcy")), "Kafka refuses a topic config it does not know");

        ObjectNode scaled = first("k8s/overlays/production", "ScaledObject");
        assertEquals(List.of(), validate(scaled));
        ObjectNode replicas = scaled.deepCopy();
        ((ObjectNode) replicas.get("spec")).set("maxReplicas", ((ObjectNode) replicas.get("spec")).remove("maxReplicaCount"));
        assertTrue(validate(replicas).stream().anyMatch(p -> p.contains("maxReplicas")), validate(replicas).toString());
        ObjectNode group = scaled.deepCopy();
        ObjectNode kafka = (ObjectNode) group.at("/spec/triggers/0/metadata");
        kafka.set("consumergroup", kafka.remove("consumerGroup"));
        assertTrue(validate(group).stream().anyMatch(p -> p.contains("consumergroup")), validate(group).toString());

        ObjectNode rules = first("k8s/observability", "PrometheusRule").deepCopy();
        ObjectNode alert = (ObjectNode) rules.at("/spec/groups/0/rules/0");
        alert.set("annotation", alert.remove("annotations"));
        assertTrue(validate(rules).stream().anyMatch(p -> p.contains("annotation")), validate(rules).toString());
    }

    /** Only what the schema file finds, for kinds that fabric8's model knows as well. */
    private static List<String> schemaProblems(ObjectNode object) {
        return schema(object.path("apiVersion").asText(), object.path("kind").asText()).validate(object).stream()
                .map(ValidationMessage::getMessage).toList();
    }

    /**
     * The schemas are written by hand: each is a draft-07 JSON Schema for the apiVersion and kind its
     * path names, closes every object whose fields it lists, and refers only to its own definitions.
     */
    @Test
    void everySchemaNamesItsKindAndClosesTheObjectsItDescribes() throws IOException {
        Path root = Path.of("src/test/resources/k8s-schemas");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(7, files.size(), "a schema per custom resource kind the deploy files use: " + files);
        String readme = Files.readString(root.resolve("README.md"));
        JsonSchema draft7 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            String[] parts = relative.replaceFirst("\\.json$", "").split("/");
            JsonNode schema = JSON.readTree(file.toFile());
            draft7.validate(schema).forEach(m -> problems.add(relative + ": not a draft-07 schema: " + m.getMessage()));
            if (!schema.path("$schema").asText().equals("http://json-schema.org/draft-07/schema#")) {
                problems.add(relative + ": $schema is not draft-07");
            }
            if (!schema.at("/properties/apiVersion/const").asText().equals(parts[0] + "/" + parts[1])
                    || !schema.at("/properties/kind/const").asText().equals(parts[2])) {
                problems.add(relative + ": apiVersion and kind are not the constants its path names");
            }
            if (!readme.contains("`" + relative + "`")) {
                problems.add(relative + ": no row in k8s-schemas/README.md");
            }
            lint(schema, schema, relative + "#", problems);
        }
        assertEquals(List.of(), problems);
    }

    private static void lint(JsonNode root, JsonNode node, String path, List<String> problems) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                lint(root, node.get(i), path + "/" + i, problems);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        boolean condition = path.endsWith("/if") || path.endsWith("/then"); // refines an object described elsewhere
        if (node.has("properties") && !node.path("additionalProperties").isBoolean() && !condition) {
            problems.add(path + ": lists its fields but does not say \"additionalProperties\": false");
        }
        if (node.path("additionalProperties").asBoolean(false)) {
            problems.add(path + ": \"additionalProperties\": true lets a misspelt field pass");
        }
        if (node.has("$ref") && root.at(node.get("$ref").asText().replaceFirst("^#", "")).isMissingNode()) {
            problems.add(path + ": $ref " + node.get("$ref").asText() + " names no definition");
        }
        node.fields().forEachRemaining(field -> {
            boolean names = field.getKey().equals("properties") || field.getKey().equals("definitions");
            if (names) {
                field.getValue().fields().forEachRemaining(p -> lint(root, p.getValue(), path + "/" + field.getKey() + "/" + p.getKey(), problems));
            } else if (!field.getKey().equals("enum") && !field.getKey().equals("const")) {
                lint(root, field.getValue(), path + "/" + field.getKey(), problems);
            }
        });
    }

    private static ObjectNode first(String dir, String kind) {
        return Kustomize.render(Path.of(dir)).stream().filter(o -> o.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError(dir + " renders no " + kind));
    }

    /** What is wrong with one rendered object; empty when it is valid. */
    static List<String> validate(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String name = kind + "/" + object.path("metadata").path("name").asText() + " (" + apiVersion + ")";
        List<String> problems = new ArrayList<>();
        JsonSchema schema = schema(apiVersion, kind);
        HasMetadata typed;
        try {
            typed = KUBERNETES.unmarshal(JSON.writeValueAsString(object));
        } catch (RuntimeException | IOException e) {
            return List.of(name + ": " + e.getMessage());
        }
        boolean known = !(typed instanceof GenericKubernetesResource);
        if (known) {
            List<String> unknown = new ArrayList<>();
            unknownFields(typed, name, unknown);
            unknown.forEach(field -> problems.add(field + ": a field the Kubernetes API does not have"));
        } else {
            List<String> unknown = new ArrayList<>();
            unknownFields(typed.getMetadata(), name + ".metadata", unknown);
            unknown.forEach(field -> problems.add(field + ": a field ObjectMeta does not have"));
        }
        if (schema != NO_SCHEMA) {
            for (ValidationMessage message : schema.validate(object)) {
                problems.add(name + ": " + message.getMessage());
            }
        } else if (!known) {
            problems.add(name + ": no schema for this apiVersion and kind: a typo, a version the cluster does not serve, "
                    + "or a custom resource whose schema belongs in src/test/resources/k8s-schemas");
        }
        return problems;
    }

    /** fabric8 keeps fields it does not know in additionalProperties: a typo lands there. */
    static void unknownFields(Object value, String path, List<String> unknown) {
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

    private static JsonSchema schema(String apiVersion, String kind) {
        return SCHEMAS.computeIfAbsent(apiVersion + "/" + kind, key -> {
            try (InputStream in = RenderedManifestsTest.class.getResourceAsStream("/k8s-schemas/" + key + ".json")) {
                if (in == null || !apiVersion.contains("/")) {
                    return NO_SCHEMA;
                }
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
