package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.igme.link.ref.RefKeys;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The compose stack serves the read API like the local run: the service trusts the demo key, and the
 * {@code token} service prints a token that this key and issuer accept. There is no Docker engine on
 * the build machines: the file is checked by parsing it, the token script by running it with the
 * machine's {@code sh} and {@code openssl}, the token by the JWT parser the service uses.
 */
class ComposeApiTest {

    private static final Path DOCKER = Path.of("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** {@code ${NAME:-default}}: compose's interpolation with a default. */
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)\\}");

    @Test
    void theServiceTrustsTheLocalRunsDemoKeyAndIssuer() throws IOException {
        JsonNode igme = services().get("igme");
        Map<String, String> env = environment(igme);
        Properties properties = applicationProperties();
        assertEquals(properties.getProperty("%dev.mp.jwt.verify.issuer"), env.get("MP_JWT_VERIFY_ISSUER"),
                "the issuer of the local run's tokens");
        Path key = mountedSource(igme, env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        assertEquals(Files.readString(Path.of(properties.getProperty("%dev.mp.jwt.verify.publickey.location"))),
                Files.readString(key), "the local run's public key is mounted where the service reads it");
        // links work as in the local run: a key the service accepts, and the redirect on this host
        assertEquals(properties.getProperty("%dev.igme.links.signing-keys"), env.get("IGME_LINKS_SIGNING_KEYS"));
        assertNotNull(RefKeys.parse(java.util.List.of(env.get("IGME_LINKS_SIGNING_KEYS").split(","))));
        assertEquals("http://localhost:8080", env.get("IGME_LINKS_PUBLIC_URL"));
    }

    @Test
    void theTokenServicePrintsATokenTheServiceAccepts() throws Exception {
        JsonNode token = services().get("token");
        assertNotNull(token, "compose has a token service");
        assertTrue(token.get("profiles").toString().contains("tools"), "not started by `up`, only by `run`");
        Map<String, String> env = environment(token);
        Path privateKey = mountedSource(token, env.get("TOKEN_KEY"));
        String script = token.get("command").get(0).asText().replace("$$", "$"); // compose's escape for a literal $
        assumeTrue(onPath("openssl"), "needs openssl on this machine");

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script);
        builder.environment().put("TOKEN_ISSUER", env.get("TOKEN_ISSUER"));
        builder.environment().put("TOKEN_KEY", privateKey.toAbsolutePath().toString());
        Process process = builder.redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);

        Map<String, String> service = environment(services().get("igme"));
        RSAPublicKey publicKey = (RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(
                mountedSource(services().get("igme"), service.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))));
        JsonWebToken jwt = new DefaultJWTParser(new JWTAuthContextInfo(publicKey, service.get("MP_JWT_VERIFY_ISSUER")))
                .parse(output);
        assertEquals(Set.of("igme-viewer", "igme-admin"), jwt.getGroups());
        assertTrue(jwt.getExpirationTime() - jwt.getIssuedAtTime() == 86_400, "valid 24 h, like the local run's");
    }

    private static JsonNode services() throws IOException {
        return YAML.readTree(DOCKER.resolve("compose.yml").toFile()).get("services");
    }

    /** The service's environment with compose's defaults filled in. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        service.get("environment").fields().forEachRemaining(e -> {
            Matcher defaulted = DEFAULTED.matcher(e.getValue().asText());
            env.put(e.getKey(), defaulted.matches() ? defaulted.group(1) : e.getValue().asText());
        });
        return env;
    }

    /** The file of the repository mounted at {@code target} (a bind mount relative to docker/). */
    private static Path mountedSource(JsonNode service, String target) {
        assertNotNull(target);
        for (JsonNode volume : service.get("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[1].equals(target)) {
                Path source = DOCKER.resolve(parts[0]).normalize();
                assertTrue(Files.isRegularFile(source), "mounted file exists: " + source);
                return source;
            }
        }
        throw new AssertionError("nothing mounted at " + target);
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
