package dev.igme.link.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Refs;

/**
 * The README's ref format is enough to mint refs elsewhere: a second implementation written from
 * it alone (Node.js's standard library, src/test/resources/refs/igme-ref.mjs) mints personal refs
 * the service verifies and opens, and verifies refs the service minted. Needs {@code node} (the
 * build machines have it; .ci/run installs it where missing).
 */
class RefFormatInteropTest {

    private static final Path SCRIPT = Path.of("src/test/resources/refs/igme-ref.mjs");
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aPersonalRefMintedFromTheReadmeAloneVerifiesInTheService() throws Exception {
        String ref = node("mint", Refs.CURRENT, "spring-pack", "Ab3dE6gH9j", "customer-ÄÖ-4711", "1893456000");

        RefCodec.Decoded decoded = Refs.service().decode(ref, NOW);

        assertEquals(RefStatus.VERIFIED, decoded.status(), ref);
        assertEquals(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", null, Instant.ofEpochSecond(1893456000L),
                "customer-ÄÖ-4711"), decoded.parts());
        String altered = ref.replace("spring-pack", "spring-pick");
        assertEquals(RefStatus.TAMPERED, Refs.service().decode(altered, NOW).status());
    }

    @Test
    void aRefMintedByTheServiceVerifiesInTheSecondImplementation() throws Exception {
        String ref = Refs.service().mint(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", Refs.service().newClickId(),
                null, "session-77"));

        assertEquals("VERIFIED session-77", node("verify", Refs.CURRENT, ref));
        assertEquals("INVALID", node("verify", Refs.CURRENT, ref.replace("Ab3dE6gH9j", "Ab3dE6gH9k")));
    }

    private static String node(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs Node.js ('node' on the PATH): apt-get install nodejs", e);
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "node did not finish");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
