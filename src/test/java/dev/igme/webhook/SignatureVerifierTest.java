package dev.igme.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

    private static final byte[] BODY = "{\"object\":\"instagram\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void knownVectorMatchesOpenssl() {
        // printf '%s' '{"object":"instagram","entry":[]}' | openssl dgst -sha256 -hmac secret
        String expected = "sha256=2a44ea874f92f773c67858c85ecd6e97bed41f00f466ba204b6ae1a03cf68d83";
        assertEquals(expected, SignatureVerifier.sign("secret", BODY));
        assertTrue(new SignatureVerifier(List.of("secret")).verify(expected, BODY));
    }

    @Test
    void anyConfiguredSecretMatches() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("old", "new"));
        assertTrue(verifier.verify(SignatureVerifier.sign("old", BODY), BODY));
        assertTrue(verifier.verify(SignatureVerifier.sign("new", BODY), BODY));
        assertFalse(verifier.verify(SignatureVerifier.sign("other", BODY), BODY));
    }

    @Test
    void malformedHeadersNeverMatch() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("s"));
        String good = SignatureVerifier.sign("s", BODY);
        assertTrue(verifier.verify(" " + good + " ", BODY), "surrounding blanks are tolerated");
        assertTrue(verifier.verify("SHA256=" + good.substring(7), BODY), "prefix case does not matter");
        for (String bad : new String[] {null, "", "sha256=", good.substring(7), "sha1=" + good.substring(7),
                good.substring(0, 70), good + "0", good.substring(0, good.length() - 1) + "g", "sha256 =" + good.substring(7)}) {
            assertFalse(verifier.verify(bad, BODY), "refused: " + bad);
        }
    }

    @Test
    void noSecretIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new SignatureVerifier(List.of()));
    }
}
