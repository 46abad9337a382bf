package dev.igme.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Fixtures;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class WebhookResourceTest {

    private static final String RAW = RawDeliveryPublisher.TOPIC;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URL webhookUrl;

    // --- signed deliveries land on the raw topic, unchanged -------------------------------------

    @Test
    void signedDeliveryWithMetaStyleEscapesIsStoredByteForByte() {
        assertStoredUnchanged(Fixtures.bytes("webhook/message-referral-meta-escaped-unicode.json"), Webhook.SECRET);
    }

    @Test
    void signedDeliveryWithRawUtf8IsStoredByteForByte() {
        byte[] body = Fixtures.bytes("webhook/message-referral-raw-utf8.json");
        assertTrue(new String(body, StandardCharsets.UTF_8).contains("Grüße"), "fixture carries raw UTF-8");
        assertStoredUnchanged(body, Webhook.SECRET);
    }

    @Test
    void deliverySignedWithTheOtherConfiguredSecretIsAccepted() {
        assertStoredUnchanged(Fixtures.bytes("webhook/message-referral-raw-utf8.json"), Webhook.OLD_SECRET);
    }

    @Test
    void signedBodyThatIsNotJsonIsStillStored() {
        // A signed body is Meta's: the normalizer dead-letters it, the ingress never drops it.
        assertStoredUnchanged(("{\"object\":\"instagram\",\"entry\":[" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                Webhook.SECRET);
    }

    @Test
    void uppercaseHexSignatureIsAccepted() {
        byte[] body = uniqueBody();
        String signature = "sha256=" + SignatureVerifier.sign(Webhook.SECRET, body).substring(7).toUpperCase();
        Webhook.post(body, signature).then().statusCode(200);
    }

    private void assertStoredUnchanged(byte[] body, String secret) {
        Instant before = Instant.now();
        String signature = SignatureVerifier.sign(secret, body);
        Response response = Webhook.post(body, signature);
        response.then().statusCode(200);
        String deliveryId = response.header("X-Igme-Delivery-Id");
        assertNotNull(deliveryId, "the answer names the delivery id");

        ConsumerRecord<String, byte[]> record = TopicReader.await(bootstrap, RAW,
                r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)), Duration.ofSeconds(10));
        assertArrayEquals(body, record.value(), "the raw topic holds the exact request bytes");
        assertEquals(signature, TopicReader.header(record, RawDelivery.Headers.SIGNATURE));
        Instant receivedAt = Instant.parse(TopicReader.header(record, RawDelivery.Headers.RECEIVED_AT));
        assertTrue(!receivedAt.isBefore(before.minusSeconds(1)) && !receivedAt.isAfter(Instant.now()),
                "received-at is the time of the POST: " + receivedAt);
    }

    // --- anything not signed by one of our secrets is refused and not stored -------------------

    @Test
    void wrongSecretIsRefused() {
        byte[] body = uniqueBody();
        assertRefusedAndNotStored(body, SignatureVerifier.sign("not-our-secret", body));
    }

    @Test
    void missingSignatureIsRefused() {
        assertRefusedAndNotStored(uniqueBody(), null);
    }

    @Test
    void sha1SignatureIsRefused() {
        byte[] body = uniqueBody();
        // The legacy X-Hub-Signature form: right secret, wrong algorithm prefix.
        assertRefusedAndNotStored(body, "sha1=" + SignatureVerifier.sign(Webhook.SECRET, body).substring(7, 47));
    }

    @Test
    void truncatedHexIsRefused() {
        byte[] body = uniqueBody();
        String good = SignatureVerifier.sign(Webhook.SECRET, body);
        assertRefusedAndNotStored(body, good.substring(0, good.length() - 2));
    }

    @Test
    void overlongHexIsRefused() {
        byte[] body = uniqueBody();
        assertRefusedAndNotStored(body, SignatureVerifier.sign(Webhook.SECRET, body) + "00");
    }

    @Test
    void nonHexSignatureIsRefused() {
        byte[] body = uniqueBody();
        String good = SignatureVerifier.sign(Webhook.SECRET, body);
        assertRefusedAndNotStored(body, good.substring(0, good.length() - 1) + "g");
    }

    @Test
    void signatureOverADifferentBodyIsRefused() {
        byte[] body = uniqueBody();
        byte[] tampered = Arrays.copyOf(body, body.length);
        tampered[tampered.length - 3] ^= 1;
        assertRefusedAndNotStored(tampered, SignatureVerifier.sign(Webhook.SECRET, body));
    }

    @Test
    void twoSignatureHeadersAreRefused() {
        byte[] body = uniqueBody();
        String good = SignatureVerifier.sign(Webhook.SECRET, body);
        given().contentType("application/json").body(body)
                .header(WebhookRoute.SIGNATURE_HEADER, good)
                .header(WebhookRoute.SIGNATURE_HEADER, SignatureVerifier.sign("attacker", body))
                .when().post(Webhook.PATH)
                .then().statusCode(401);
    }

    private void assertRefusedAndNotStored(byte[] body, String signature) {
        Webhook.post(body, signature).then()
                .statusCode(401)
                .contentType(startsWith("text/plain"))
                .body(not(containsString(new String(body, StandardCharsets.UTF_8))));
        // A signed delivery after it: once that one is on the topic, the refused one would be too.
        String marker = new String(body, StandardCharsets.UTF_8);
        Webhook.postSigned(uniqueBody()).then().statusCode(200);
        assertTrue(TopicReader.all(bootstrap, RAW,
                r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker)).isEmpty(),
                "a refused delivery never reaches the raw topic");
    }

    // --- oversized bodies -------------------------------------------------------------------------

    @Test
    void bodyDeclaredOverTheLimitGets413BeforeAnyOfItIsSent() throws IOException {
        // default igme.webhook.max-body-size is 8M; the answer must come from the headers alone
        assertEquals(413, Webhook.statusForDeclaredLength(webhookUrl, "Content-Length: " + 9 * 1024 * 1024));
    }

    @Test
    void chunkedBodyOverTheLimitGets413() throws IOException {
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(requestHead("Transfer-Encoding: chunked"));
            byte[] chunk = new byte[1024 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            try {
                for (int i = 0; i < 9; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByServer) {
                // the server may answer and close before the client finishes writing
            }
            assertEquals(413, Webhook.statusCode(socket));
        }
    }

    private static byte[] requestHead(String lengthHeader) {
        return ("POST " + Webhook.PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\n" + lengthHeader + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    // --- subscription handshake -------------------------------------------------------------------

    @Test
    void handshakeWithTheRightTokenEchoesTheChallengeAsPlainText() {
        given().queryParam("hub.mode", "subscribe")
                .queryParam("hub.verify_token", Webhook.VERIFY_TOKEN)
                .queryParam("hub.challenge", "1158201444")
                .when().get(Webhook.PATH)
                .then().statusCode(200)
                .contentType(startsWith("text/plain"))
                .body(equalTo("1158201444"));
    }

    @Test
    void handshakeWithAWrongTokenIsForbiddenWithoutEcho() {
        given().queryParam("hub.mode", "subscribe")
                .queryParam("hub.verify_token", "guess")
                .queryParam("hub.challenge", "1158201444")
                .when().get(Webhook.PATH)
                .then().statusCode(403)
                .body(not(containsString("1158201444")));
    }

    @Test
    void handshakeWithAWrongModeIsForbidden() {
        given().queryParam("hub.mode", "unsubscribe")
                .queryParam("hub.verify_token", Webhook.VERIFY_TOKEN)
                .queryParam("hub.challenge", "1158201444")
                .when().get(Webhook.PATH)
                .then().statusCode(403)
                .body(not(containsString("1158201444")));
    }

    @Test
    void handshakeWithoutParametersIsForbidden() {
        given().when().get(Webhook.PATH).then().statusCode(403);
    }

    @Test
    void hostileChallengeIsNeverReflected() {
        String hostile = "<script>alert(1)</script>";
        given().queryParam("hub.mode", "subscribe")
                .queryParam("hub.verify_token", Webhook.VERIFY_TOKEN)
                .queryParam("hub.challenge", hostile)
                .when().get(Webhook.PATH)
                .then().statusCode(400)
                .contentType(startsWith("text/plain"))
                .body(not(containsString("<script>")))
                .body(not(emptyString()));
    }

    static byte[] uniqueBody() {
        return ("{\"object\":\"instagram\",\"entry\":[],\"nonce\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
