package dev.igme.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex, for ids derived from content and for fingerprints of secrets. */
public final class Hashes {

    /** Follows every part: ("ab","c") and ("a","bc") hash differently. */
    private static final byte UNIT_SEPARATOR = 0x1f;

    private Hashes() {
    }

    /** The hex SHA-256 of the parts, each followed by a unit separator (stable: ids are derived from it). */
    public static String sha256Hex(String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update(UNIT_SEPARATOR);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first {@code bytes} bytes of the SHA-256 of {@code text}, as hex: names a secret without revealing it. */
    public static String fingerprint(String text, int bytes) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
