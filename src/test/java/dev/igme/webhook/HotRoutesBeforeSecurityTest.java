package dev.igme.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The webhook POST and the tracked redirect answer before Quarkus's HTTP security filters (README,
 * "The webhook contract"): behind them every delivery paid for a deferred identity and a REST URL
 * template lookup (BENCHMARKS.md). Shown with a permission that denies both paths: the handshake,
 * a REST endpoint on the same path, is refused by it, the signed POST and the redirect are not.
 */
@QuarkusTest
@TestProfile(HotRoutesBeforeSecurityTest.Profile.class)
class HotRoutesBeforeSecurityTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.roles", "ingress",
                    "quarkus.http.auth.permission.deny-hot-routes.paths", "/webhooks/instagram,/r/*",
                    "quarkus.http.auth.permission.deny-hot-routes.policy", "deny");
        }
    }

    @Test
    void theSignedPostIsStoredWhereAPermissionDeniesItsPath() {
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", Webhook.VERIFY_TOKEN)
                .queryParam("hub.challenge", "1158201444")
                .when().get(Webhook.PATH).then().statusCode(anyOf(is(401), is(403)));
        Webhook.postSigned("{\"object\":\"instagram\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8))
                .then().statusCode(200).header(WebhookRoute.DELIVERY_ID_HEADER, notNullValue());
    }

    @Test
    void theRedirectAnswersItselfWhereAPermissionDeniesItsPath() {
        // an unknown id: the redirect's own page (404, or 503 while its directory loads), never the policy's refusal
        given().redirects().follow(false).when().get("/r/not-a-link").then()
                .statusCode(anyOf(is(404), is(503))).header("Cache-Control", equalTo("no-store"));
    }
}
