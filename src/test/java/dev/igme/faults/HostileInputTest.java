package dev.igme.faults;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.testing.ConsumerLag;
import dev.igme.testing.Fixtures;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDelivery;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A generated corpus of hostile deliveries (fixed seed, so a failure can be replayed): bad
 * signatures get 401, oversized bodies 413, and signed garbage 200 with a dead letter whenever it
 * is unreadable. No input causes a 5xx, and afterwards the normalizers have consumed everything:
 * the consumer never stalls on a bad record.
 */
@QuarkusTest
class HostileInputTest {

    private static final long SEED = 20261124L;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL server;

    /** One generated request and what must happen to it. */
    record Case(String name, byte[] body, List<String> signatures, int expectedStatus, boolean expectDeadLetter) {
    }

    @Test
    void everyHostileInputGetsAClearAnswerAndNothingStalls() throws java.io.IOException {
        List<Case> corpus = corpus(new Random(SEED));
        assertTrue(corpus.size() >= 300, "corpus size " + corpus.size());

        Map<String, Integer> byOutcome = new TreeMap<>();
        List<String> deadLettersExpected = new ArrayList<>();
        for (Case c : corpus) {
            if (c.expectedStatus() == 413) {
                int status = Webhook.statusForDeclaredLength(server, "Content-Length: " + c.body().length);
                assertEquals(413, status, c.name());
                byOutcome.merge("413", 1, Integer::sum);
                continue;
            }
            Response response = Webhook.deliver(() -> {
                var request = given().contentType("application/json").body(c.body());
                for (String signature : c.signatures()) {
                    request.header(WebhookRoute.SIGNATURE_HEADER, signature);
                }
                return request.when().post(Webhook.PATH);
            });
            int status = response.statusCode();
            assertTrue(status < 500, c.name() + " caused " + status);
            assertEquals(c.expectedStatus(), status, c.name());
            byOutcome.merge(status + (c.expectDeadLetter() ? " + dead letter" : ""), 1, Integer::sum);
            if (c.expectDeadLetter()) {
                deadLettersExpected.add(response.header("X-Igme-Delivery-Id"));
            }
        }

        // Every unreadable delivery is parked with its reason ...
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Set<String> parked = TopicReader.all(bootstrap, NormalizerOutput.DEAD_LETTERS_TOPIC,
                    r -> TopicReader.header(r, NormalizerOutput.Headers.REASON) != null).stream()
                    .map(r -> TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)).collect(Collectors.toSet());
            return parked.containsAll(deadLettersExpected);
        });
        // ... and the normalizers have consumed the raw topic to its end: nothing stalled.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertEquals(0L, ConsumerLag.of(bootstrap, "igme-normalizer", RawDeliveryPublisher.TOPIC)));

        System.out.println("Hostile input corpus (seed " + SEED + ", " + corpus.size() + " requests), by outcome:");
        byOutcome.forEach((outcome, count) -> System.out.printf("  %-22s %4d%n", outcome, count));
    }

    // --- the corpus -----------------------------------------------------------------------------

    static List<Case> corpus(Random random) {
        List<Case> cases = new ArrayList<>();
        byte[] valid = Fixtures.bytes("normalizer/batch-mixed-scenarios-and-accounts.json");
        String good = SignatureVerifier.sign(Webhook.SECRET, valid);

        // Signatures: wrong lengths, non-hex, wrong prefixes, duplicates, blanks → 401
        for (int length = 0; length <= 130; length += 5) {
            cases.add(unsigned("signature of " + length + " hex digits", valid, "sha256=" + hex(random, length)));
        }
        for (String junk : List.of("sha256=" + good.substring(7).replace('a', 'x'), "sha1=" + good.substring(7, 47),
                "SHA512=" + good.substring(7), good.substring(7), "sha256:" + good.substring(7), "sha256 =" + good.substring(7),
                "sha256=" + good.substring(7) + "\u00e4", "sha256=" + " ".repeat(64), "", " ", "sha256=",
                "sha256=" + "0".repeat(64), "sha256=" + "ff".repeat(32), "sha256=" + good.substring(8) + "Z")) {
            cases.add(unsigned("malformed signature '" + abbreviate(junk) + "'", valid, junk));
        }
        for (int i = 0; i < 10; i++) {
            cases.add(new Case("two signature headers #" + i, valid, List.of(good, "sha256=" + hex(random, 64)), 401, false));
        }
        cases.add(new Case("no signature header", valid, List.of(), 401, false));
        for (int i = 0; i < 40; i++) {
            byte[] tampered = valid.clone();
            tampered[random.nextInt(tampered.length)] ^= (byte) (1 + random.nextInt(255));
            cases.add(unsigned("one flipped byte #" + i, tampered, good));
        }

        // Oversized → 413 (checked before the signature)
        for (int megabytes : List.of(9, 12, 16)) {
            byte[] huge = new byte[megabytes * 1024 * 1024];
            java.util.Arrays.fill(huge, (byte) ' ');
            cases.add(new Case(megabytes + " MiB body", huge, List.of(good), 413, false));
        }

        // Signed but unreadable deliveries → 200 + dead letter
        for (int i = 0; i < 120; i++) {
            int cut = 1 + random.nextInt(valid.length - 2);
            cases.add(signed("truncated at byte " + cut, java.util.Arrays.copyOf(valid, cut), true));
        }
        for (int depth : List.of(100, 1001, 5000, 20000)) {
            String nested = "{\"object\":\"instagram\",\"entry\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            cases.add(signed("entry nested " + depth + " deep", utf8(nested), depth > 1000));
        }
        for (String body : List.of("", "null", "[]", "42", "\"instagram\"", "true", "{}", "{\"object\":\"page\",\"entry\":[]}",
                "{\"object\":\"instagram\"}", "{\"object\":\"instagram\",\"entry\":{}}", "{\"object\":\"instagram\",\"entry\":\"x\"}",
                "{\"object\":null,\"entry\":[]}", "\u00ef\u00bb\u00bf{\"object\":\"instagram\",\"entry\":[]}")) {
            cases.add(signed("document " + abbreviate(body), utf8(body), true));
        }
        for (int i = 0; i < 40; i++) {
            byte[] garbage = new byte[1 + random.nextInt(4000)];
            random.nextBytes(garbage);
            garbage[0] = (byte) 0xFF; // never valid JSON
            cases.add(signed("random bytes #" + i, garbage, true));
        }

        // Signed, readable, with hostile items → 200; bad items are dead-lettered, good ones kept
        String[] wrongTypes = {"{\"sender\":{\"id\":{}},\"recipient\":{\"id\":\"1\"},\"timestamp\":1,\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":[1]},\"timestamp\":1,\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":-5,\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":1.5e300,\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":\"soon\",\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":99999999999999999999999,\"referral\":{\"ref\":\"r\"}}",
                "{\"sender\":\"2\",\"recipient\":{\"id\":\"1\"},\"timestamp\":1,\"message\":{\"mid\":\"m\"}}",
                "{\"sender\":{\"id\":\"" + "9".repeat(100_000) + "\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":1,\"postback\":{}}",
                "[]", "null", "\"item\"", "7"};
        for (String item : wrongTypes) {
            cases.add(signed("bad item " + abbreviate(item), envelope(item), true));
        }
        String[] refs = {"a".repeat(2083), "b".repeat(2084), "c".repeat(100_000), "spring sale!", "ref\\u0000nul", "\\ud800lone",
                "\\udfff\\ud800", "emoji-\uD83D\uDE00", "\u202Eevil\u202C", "tab\\tnew\\nline", "\\\\back\\\\slash", "'; DROP TABLE attribution; --",
                "%_wild%", "=", "-", "_", "A-Z_a-z=0-9"};
        for (String ref : refs) {
            String user = Long.toString(6_400_000_000_000_000L + Math.abs(random.nextLong() % 1_000_000_000_000L));
            cases.add(signed("ref " + abbreviate(ref), envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"1784\"},"
                    + "\"timestamp\":1767225600000,\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\"}}"), false));
        }
        for (int i = 0; i < 60; i++) {
            String text = randomUnicode(random, 1 + random.nextInt(200));
            cases.add(signed("unicode text #" + i, envelope("{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"1784\"},"
                    + "\"timestamp\":1767225600000,\"message\":{\"mid\":\"u" + i + "-" + random.nextInt() + "\",\"text\":"
                    + jsonString(text) + "}}"), false));
        }
        cases.add(signed("one MiB string in a message", envelope("{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"1784\"},"
                + "\"timestamp\":1767225600000,\"message\":{\"mid\":\"big\",\"text\":\"" + "x".repeat(1 << 20) + "\"}}"), false));
        cases.add(signed("duplicate keys", utf8("{\"object\":\"page\",\"object\":\"instagram\",\"entry\":[]}"), false));
        cases.add(signed("a thousand items", envelope(String.join(",", java.util.Collections.nCopies(1000,
                "{\"sender\":{\"id\":\"6\"},\"recipient\":{\"id\":\"1784\"},\"timestamp\":1767225600000,\"read\":{}}"))), false));
        return cases;
    }

    private static Case signed(String name, byte[] body, boolean deadLetter) {
        return new Case(name, body, List.of(SignatureVerifier.sign(Webhook.SECRET, body)), 200, deadLetter);
    }

    private static Case unsigned(String name, byte[] body, String signature) {
        return new Case(name, body, List.of(signature), 401, false);
    }

    private static byte[] envelope(String item) {
        return utf8("{\"object\":\"instagram\",\"entry\":[{\"id\":\"1784\",\"messaging\":[" + item + "]}]}");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    private static String randomUnicode(Random random, int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            int cp = switch (random.nextInt(5)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> 0x800 + random.nextInt(0xD000);
                case 3 -> 0x10000 + random.nextInt(0x10000);
                default -> 0xE000 + random.nextInt(0x1000);
            };
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    private static String jsonString(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 30 ? flat.substring(0, 30) + "…(" + text.length() + ")" : flat;
    }
}
