package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Deliveries;
import dev.igme.testing.FakeOidcProvider;
import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * With an OpenID Connect issuer configured, a person signs in to the console through the
 * authorization code flow, and the console's roles come from the ID token's {@code groups} claim,
 * the claim the API reads from bearer tokens. The API keeps taking SmallRye JWT bearer tokens and
 * does not take the console's session. The provider is a fake ({@link FakeOidcProvider}); the test
 * plays the person's browser, cookies and all.
 */
@QuarkusTest
@TestProfile(ConsoleOidcSignInTest.WithIssuer.class)
public class ConsoleOidcSignInTest {

    /**
     * The test configuration plus the fake provider as the console's issuer, and the forwarded scheme
     * honoured as the replier Deployment has it (k8s/base/deployment-replier.yaml).
     */
    public static class WithIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeOidcProvider.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return ConsoleBehindTlsGatewayTest.BehindTlsGateway.FORWARDED;
        }
    }

    /** The browser's cookies after signing in as the person the provider gives {@code code} to. */
    static Map<String, String> signIn(String page, String code) {
        Response challenge = given().redirects().follow(false).get(page);
        challenge.then().statusCode(302).header("Location", startsWith(issuer() + "/auth?"));
        Map<String, String> query = query(URI.create(challenge.getHeader("Location")));
        assertEquals(FakeOidcProvider.CLIENT_ID, query.get("client_id"));
        assertEquals("code", query.get("response_type"));
        assertEquals("S256", query.get("code_challenge_method"), "PKCE");
        assertTrue(query.get("redirect_uri").endsWith("/console"), query.get("redirect_uri"));
        Map<String, String> cookies = new HashMap<>(challenge.getCookies());
        // the provider's login page sends the browser back with a code and the state it was given
        Response back = given().redirects().follow(false).cookies(cookies).queryParam("code", code)
                .queryParam("state", query.get("state")).get(query.get("redirect_uri"));
        back.then().statusCode(302).header("Location", endsWith(page));
        cookies.putAll(back.getCookies());
        assertTrue(cookies.keySet().stream().anyMatch(name -> name.startsWith("q_session")), cookies.keySet().toString());
        return cookies;
    }

    static String issuer() {
        return ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void aPersonWithoutASessionIsSentToTheIssuer_notShownAnyPage() {
        for (String page : new String[] {"/console", "/console/campaigns", "/console/rules", "/console/replies"}) {
            given().redirects().follow(false).get(page).then().statusCode(302)
                    .header("Location", startsWith(issuer() + "/auth?")).body(not(containsString("<table")));
        }
    }

    /**
     * Behind the gateway that ends TLS (the Kubernetes base's HTTPRoutes), the service hears plain
     * HTTP; the address the browser used comes in {@code X-Forwarded-Proto}. The issuer must be told
     * to send the person back to that https address (the one the client is registered with), and the
     * cookies the sign-in sets must not travel over plain HTTP.
     */
    @Test
    void behindAGatewayThatEndsTls_theSignInAsksForAnHttpsReturnAddress_andItsCookiesAreSecure() {
        Response challenge = given().redirects().follow(false).header("X-Forwarded-Proto", "https").get("/console/rules");
        challenge.then().statusCode(302).header("Location", startsWith(issuer() + "/auth?"));
        String back = query(URI.create(challenge.getHeader("Location"))).get("redirect_uri");
        assertTrue(back.startsWith("https://") && back.endsWith("/console"), back);
        assertFalse(challenge.getDetailedCookies().asList().isEmpty());
        challenge.getDetailedCookies().asList().forEach(cookie -> assertTrue(cookie.isSecured(), cookie.toString()));
        // without the header (a browser on the pod's own port), plain http as before
        String direct = query(URI.create(given().redirects().follow(false).get("/console/rules").getHeader("Location")))
                .get("redirect_uri");
        assertTrue(direct.startsWith("http://"), direct);
    }

    @Test
    void anAdminSignsIn_seesTheirNameAndRole_andCanChangeThings() {
        Map<String, String> browser = signIn("/console/campaigns", FakeOidcProvider.ADMIN_CODE);
        Response page = given().cookies(browser).get("/console/campaigns");
        page.then().statusCode(200).body(containsString("ada@example.com · admin")).body(containsString("Sign out"));
        browser.putAll(page.getCookies());
        String token = page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        String id = ConsoleFormsTest.newId();
        given().redirects().follow(false).cookies(browser).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("id", id).formParam("name", "Signed in")
                .formParam("igAccountId", Deliveries.ACCOUNT).post("/console/campaigns")
                .then().statusCode(303).header("Location", endsWith("/console/campaigns/" + id));
        given().cookies(browser).get("/console/campaigns/" + id).then().statusCode(200).body(containsString("Signed in"));
    }

    @Test
    void aViewerSeesPagesButCannotChangeAnything() {
        Map<String, String> browser = signIn("/console/rules", FakeOidcProvider.VIEWER_CODE);
        Response page = given().cookies(browser).get("/console/campaigns");
        page.then().statusCode(200).body(containsString("vic@example.com · viewer"))
                .body(not(containsString("name=\"csrf-token\""))); // no form is shown to a viewer
        browser.putAll(page.getCookies());
        String token = browser.get("igme-console-csrf"); // a valid token: the refusal is for the role
        String id = ConsoleFormsTest.newId();
        given().redirects().follow(false).cookies(browser).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("id", id).formParam("name", "Viewer's")
                .formParam("igAccountId", Deliveries.ACCOUNT).post("/console/campaigns")
                .then().statusCode(403).body(containsString("Viewers cannot change anything"));
        given().cookies(browser).get("/console/campaigns/" + id).then().statusCode(404);
    }

    @Test
    void someoneSignedInWithoutAnIgmeRoleIsToldSo() {
        Map<String, String> browser = signIn("/console/campaigns", FakeOidcProvider.STRANGER_CODE);
        given().cookies(browser).get("/console/campaigns").then().statusCode(403)
                .body(containsString("No access")).body(containsString("sam@example.com"))
                .body(not(containsString("<table")));
    }

    @Test
    void anIdTokenNotSignedByTheIssuer_orAStateNotIssuedHere_signsNobodyIn() {
        Response challenge = given().redirects().follow(false).get("/console/campaigns");
        Map<String, String> query = query(URI.create(challenge.getHeader("Location")));
        Response forged = given().redirects().follow(false).cookies(challenge.getCookies())
                .queryParam("code", FakeOidcProvider.FORGED_CODE).queryParam("state", query.get("state"))
                .get(query.get("redirect_uri"));
        assertEquals(401, forged.statusCode());
        assertFalse(forged.getCookies().keySet().stream().anyMatch(name -> name.startsWith("q_session")));
        Response otherState = given().redirects().follow(false).cookies(challenge.getCookies())
                .queryParam("code", FakeOidcProvider.ADMIN_CODE).queryParam("state", "not-the-state-it-was-given")
                .get(query.get("redirect_uri"));
        assertFalse(otherState.getCookies().keySet().stream().anyMatch(name -> name.startsWith("q_session")),
                "status " + otherState.statusCode());
        assertTrue(otherState.statusCode() == 401 || otherState.statusCode() == 302, "status " + otherState.statusCode());
    }

    @Test
    void theApiTakesBearerTokens_notTheConsoleSession() {
        Map<String, String> browser = signIn("/console/campaigns", FakeOidcProvider.ADMIN_CODE);
        given().cookies(browser).get("/api/v1/campaigns").then().statusCode(401);
        given().auth().oauth2(Tokens.viewer()).get("/api/v1/campaigns").then().statusCode(200);
    }

    @Test
    void signingOutEndsTheSessionAtTheIssuer_andLandsOnAPageOpenToAll() {
        Map<String, String> browser = signIn("/console/campaigns", FakeOidcProvider.ADMIN_CODE);
        Response out = given().redirects().follow(false).cookies(browser).get("/console/sign-out");
        out.then().statusCode(302).header("Location", startsWith(issuer() + "/logout?"));
        Map<String, String> logout = query(URI.create(out.getHeader("Location")));
        assertNotNull(logout.get("id_token_hint"));
        assertTrue(logout.get("post_logout_redirect_uri").endsWith("/console/signed-out"), logout.toString());
        assertTrue(out.getDetailedCookies().asList().stream()
                .anyMatch(cookie -> cookie.getName().startsWith("q_session") && cookie.getMaxAge() == 0),
                "the session cookie is removed: " + out.getDetailedCookies());
        given().redirects().follow(false).get("/console/signed-out").then().statusCode(200)
                .body(containsString("Signed out"));
    }
}
