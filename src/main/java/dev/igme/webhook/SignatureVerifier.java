package dev.igme.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Meta's {@code X-Hub-Signature-256: sha256=<hex>} header against HMAC-SHA256 of the exact
 * request bytes. Meta signs the body as sent (non-ASCII escaped as {@code \u00e4}), so the HMAC
 * never runs over re-serialised JSON. Any configured secret may match (rotation, several apps).
 * The comparison is constant-time and every secret is always tried, so timing tells nothing about
 * which secret or how many bytes matched.
 */
public final class SignatureVerifier {

    static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int DIGEST_HEX_LENGTH = 64;

    private final List<SecretKeySpec> keys;
    /** Mac is not thread-safe; one set per thread, initialised once. */
    private final ThreadLocal<Mac[]> macs;

    public SignatureVerifier(List<String> secrets) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one app secret is required");
        }
        this.keys = secrets.stream()
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM))
                .toList();
        this.macs = ThreadLocal.withInitial(this::newMacs);
    }

    /**
     * @param header the value of {@code X-Hub-Signature-256}, may be null
     * @param body the exact request body
     * @return true only when the header is well-formed and matches one of the secrets
     */
    public boolean verify(String header, byte[] body) {
        byte[] claimed = parse(header);
        if (claimed == null) {
            return false;
        }
        boolean match = false;
        for (Mac mac : macs.get()) {
            byte[] actual = mac.doFinal(body); // doFinal resets the Mac for the next use
            match |= MessageDigest.isEqual(actual, claimed);
        }
        return match;
    }

    /** The digest bytes of a well-formed {@code sha256=<64 hex>} header, else null. */
    static byte[] parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.length() != PREFIX.length() + DIGEST_HEX_LENGTH
                || !value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value, PREFIX.length(), value.length());
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    /** The header value Meta would send for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private Mac[] newMacs() {
        Mac[] result = new Mac[keys.size()];
        try {
            for (int i = 0; i < result.length; i++) {
                result[i] = Mac.getInstance(ALGORITHM);
                result[i].init(keys.get(i));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        return result;
    }
}
