package dev.igme.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

import dev.igme.webhook.SignatureVerifier;

/** Posts deliveries the way Meta does: exact bytes, signed with an app secret. */
public final class Webhook {

    /** The secrets configured in the test profile (application.properties). */
    public static final String SECRET = "test-secret-new";
    public static final String OLD_SECRET = "test-secret-old";
    public static final String VERIFY_TOKEN = "test-verify-token";
    public static final String PATH = "/webhooks/instagram";

    private Webhook() {
    }

    public static Response postSigned(byte[] body) {
        return post(body, SignatureVerifier.sign(SECRET, body));
    }

    public static Response post(byte[] body, String signature) {
        var request = given().contentType("application/json").body(body);
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return request.when().post(PATH);
    }
}
