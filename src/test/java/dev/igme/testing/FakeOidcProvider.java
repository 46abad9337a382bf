package dev.igme.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;

/**
 * A fake OpenID Connect provider on loopback, for the console's sign-in: discovery, a JSON Web Key
 * Set, a token endpoint and an end-session endpoint, as Keycloak or any issuer serves them. Its
 * authorization endpoint is never called: a test plays the person and the provider's login page by
 * calling the application's redirect URI with one of the codes below and the state it was given.
 * Each code yields an ID token signed with this provider's own RSA key for one person:
 * {@link #ADMIN_CODE} (igme-admin), {@link #VIEWER_CODE} (igme-viewer), {@link #STRANGER_CODE} (no role).
 */
public class FakeOidcProvider implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "igme-console";
    public static final String ADMIN_CODE = "code-for-ada";
    public static final String VIEWER_CODE = "code-for-vic";
    public static final String STRANGER_CODE = "code-for-sam";
    /** A code signed by a key that is not the provider's: the application must not accept its ID token. */
    public static final String FORGED_CODE = "code-forged";
    private static final String KEY_ID = "fake-provider-1";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").port(FreePort.any()));
        server.start();
        String issuer = "http://127.0.0.1:" + server.port() + "/realms/igme";
        KeyPair keys = rsa();
        KeyPair stranger = rsa();
        server.stubFor(get(urlEqualTo("/realms/igme/.well-known/openid-configuration")).willReturn(json("""
                {"issuer":"%1$s","authorization_endpoint":"%1$s/auth","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/certs","end_session_endpoint":"%1$s/logout",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"]}"""
                .formatted(issuer))));
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        server.stubFor(get(urlEqualTo("/realms/igme/certs")).willReturn(json("""
                {"keys":[{"kty":"RSA","kid":"%s","use":"sig","alg":"RS256","n":"%s","e":"%s"}]}"""
                .formatted(KEY_ID, base64Url(key.getModulus()), base64Url(key.getPublicExponent())))));
        tokens(issuer, ADMIN_CODE, "ada", Set.of("igme-admin"), keys);
        tokens(issuer, VIEWER_CODE, "vic", Set.of("igme-viewer"), keys);
        tokens(issuer, STRANGER_CODE, "sam", Set.of("marketing"), keys);
        tokens(issuer, FORGED_CODE, "mallory", Set.of("igme-admin"), stranger);
        return Map.of("quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", issuer,
                "quarkus.oidc.client-id", CLIENT_ID,
                "quarkus.oidc.credentials.secret", "fake-provider-client-secret-of-32-chars-or-more",
                // with an issuer, the demo user of the test profile must play no part
                "igme.console.demo-roles", "");
    }

    /** The token endpoint's answer to {@code code}: an ID token (and access token) for {@code name}. */
    private void tokens(String issuer, String code, String name, Set<String> roles, KeyPair keys) {
        String idToken = Jwt.issuer(issuer).audience(CLIENT_ID).subject(name + "-subject")
                .claim("preferred_username", name + "@example.com").groups(roles).expiresIn(600)
                .jws().keyId(KEY_ID).sign(keys.getPrivate());
        server.stubFor(post(urlEqualTo("/realms/igme/token")).withRequestBody(containing("code=" + code))
                .willReturn(json("""
                        {"access_token":"%1$s","id_token":"%1$s","token_type":"Bearer","expires_in":600}"""
                        .formatted(idToken))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
