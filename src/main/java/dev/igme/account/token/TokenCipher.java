package dev.igme.account.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the tokens the service stores, with AES-256-GCM from the JDK (no library needed): a
 * fresh 12-byte nonce per token, the account id as associated data (a sealed token copied to
 * another account's row does not open), and the 128-bit tag that makes any change to the stored
 * value fail instead of yielding a wrong token. Stored as base64 of nonce ‖ ciphertext ‖ tag.
 */
public final class TokenCipher {

    public static final String PROPERTY = "igme.tokens.encryption-key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private TokenCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** @throws IllegalArgumentException naming the property when the key is not base64 of 32 bytes */
    public static TokenCipher fromBase64(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " is not base64 (make one with: openssl rand -base64 32)");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(PROPERTY + " must be 32 bytes (AES-256), base64-encoded; it is "
                    + key.length + " bytes (make one with: openssl rand -base64 32)");
        }
        return new TokenCipher(key);
    }

    public String seal(String token, String igAccountId) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, igAccountId);
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is available in every Java runtime", e);
        }
    }

    /** @throws IllegalArgumentException when the value was not sealed with this key for this account, or was altered */
    public String open(String sealed, String igAccountId) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            if (bytes.length <= NONCE_BYTES) {
                throw new IllegalArgumentException("a stored token is too short to be sealed");
            }
            byte[] nonce = new byte[NONCE_BYTES];
            System.arraycopy(bytes, 0, nonce, 0, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, igAccountId);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored token of account " + igAccountId + " cannot be decrypted with "
                    + PROPERTY + " (another key, or altered)");
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String igAccountId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(igAccountId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
