package dev.igme.account.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

/** Stored tokens are unreadable without the key, bound to their account, and tamper-evident. */
class TokenCipherTest {

    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void sealsAndOpensWithANewNonceEachTime() {
        TokenCipher cipher = TokenCipher.fromBase64(KEY);
        String a = cipher.seal("IGQWRtoken-secret", "1784");
        String b = cipher.seal("IGQWRtoken-secret", "1784");
        assertNotEquals(a, b);
        assertFalse(a.contains("token-secret"));
        assertFalse(new String(Base64.getDecoder().decode(a)).contains("token-secret"));
        assertEquals("IGQWRtoken-secret", cipher.open(a, "1784"));
    }

    @Test
    void anotherKeyAnotherAccountOrAnAlteredValueDoNotOpen() {
        TokenCipher cipher = TokenCipher.fromBase64(KEY);
        String sealed = cipher.seal("IGQWRtoken-secret", "1784");
        assertThrows(IllegalArgumentException.class, () -> TokenCipher.fromBase64(OTHER_KEY).open(sealed, "1784"));
        assertThrows(IllegalArgumentException.class, () -> cipher.open(sealed, "1785"));
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;
        String altered = Base64.getEncoder().encodeToString(bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cipher.open(altered, "1784"));
        assertFalse(e.getMessage().contains("token-secret"));
    }

    @Test
    void theKeyMustBeBase64Of32Bytes() {
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> TokenCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[16])));
        assertTrue(shortKey.getMessage().startsWith("igme.tokens.encryption-key must be 32 bytes"), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenCipher.fromBase64("not base64!"));
    }
}
