package dev.igme.testing;

import static io.restassured.RestAssured.given;

import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.restassured.response.Response;

/** Posts deliveries the way Meta does: exact bytes, signed with an app secret. */
public final class Webhook {

    /** The secrets configured in the test profile (application.properties). */
    public static final String SECRET = "test-secret-new";
    public static final String OLD_SECRET = "test-secret-old";
    public static final String VERIFY_TOKEN = "test-verify-token";
    public static final String PATH = WebhookRoute.PATH;

    private Webhook() {
    }

    /**
     * Waits until the service stores a signed delivery again (200): tests that take the broker away
     * call this when they give it back, so that the next test finds the service as it was.
     */
    public static void awaitStored() {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (postSignedOnce("{\"object\":\"instagram\",\"entry\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .statusCode() == 200) {
                return;
            }
        }
        throw new AssertionError("the service did not store deliveries again within 60 s");
    }

    public static Response postSigned(byte[] body) {
        return post(body, SignatureVerifier.sign(SECRET, body));
    }

    /**
     * Sends only the head of a POST declaring {@code contentLength} and returns the status the
     * server answers with before any body byte is sent (how a 413 must come).
     */
    public static int statusForDeclaredLength(java.net.URL server, String lengthHeader) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\n" + lengthHeader + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return statusCode(socket);
        }
    }

    /** The status code of the answer on this socket. */
    public static int statusCode(java.net.Socket socket) throws java.io.IOException {
        String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        if (statusLine == null) {
            throw new java.io.IOException("the server closed the connection without an answer");
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /**
     * Delivers as Meta does: a 503 (not stored, with Retry-After) is sent again, the same bytes,
     * until another answer comes or 60 s have passed. A starved test machine can miss the ack
     * timeout now and then, which the service answers with exactly that 503; what a test asserts
     * is the answer a delivery ends with. Tests of the 503 itself use {@link #postOnce}.
     */
    public static Response post(byte[] body, String signature) {
        return deliver(() -> postOnce(body, signature));
    }

    /** Retries a request while it is answered 503 with Retry-After, as Meta retries, for up to 60 s. */
    public static Response deliver(java.util.function.Supplier<Response> request) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        Response response = request.get();
        while (response.statusCode() == 503 && response.header("Retry-After") != null && System.nanoTime() < deadline) {
            System.out.println("webhook answered 503 (not stored); delivering again, as Meta would");
            response = request.get();
        }
        return response;
    }

    /** One POST, whatever it is answered. */
    public static Response postOnce(byte[] body, String signature) {
        var request = given().contentType("application/json").body(body);
        if (signature != null) {
            request.header(WebhookRoute.SIGNATURE_HEADER, signature);
        }
        return request.when().post(PATH);
    }

    /** {@link #postOnce} signed with the current secret. */
    public static Response postSignedOnce(byte[] body) {
        return postOnce(body, SignatureVerifier.sign(SECRET, body));
    }
}
