package dev.igme.link.ref;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys refs are signed and sealed with ({@code igme.links.signing-keys}): each
 * {@code <key id>:<base64 secret>}, the first signs, all verify. Each secret yields two keys, so
 * that one secret per key id is all an operator manages:
 * {@code macKey = HMAC-SHA256(secret, "igme-ref-mac")}, {@code encKey = HMAC-SHA256(secret, "igme-ref-enc")}.
 */
public final class RefKeys {

    public static final String PROPERTY = "igme.links.signing-keys";
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9]{1,8}");
    /** Shortest secret accepted: 256 bits. */
    static final int MIN_SECRET_BYTES = 32;

    /** One key id's derived keys. */
    public record Key(String id, byte[] macKey, byte[] encKey) {
    }

    private final Map<String, Key> byId;
    private final Key signing;

    private RefKeys(Map<String, Key> byId, Key signing) {
        this.byId = byId;
        this.signing = signing;
    }

    /** @throws IllegalArgumentException naming the property and the entry that is wrong (never the secret) */
    public static RefKeys parse(List<String> entries) {
        Map<String, Key> keys = new LinkedHashMap<>();
        List<String> given = entries == null ? List.of() : entries;
        for (int i = 0; i < given.size(); i++) {
            String entry = given.get(i).strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(PROPERTY + " entry " + (i + 1)
                        + " must be <key id>:<base64 secret>, the key id 1-8 letters or digits");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + " key '" + id + "': the secret is not base64");
            }
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(PROPERTY + " key '" + id + "': the secret has " + secret.length
                        + " bytes, at least " + MIN_SECRET_BYTES + " random bytes are needed (openssl rand -base64 32)");
            }
            if (keys.putIfAbsent(id, new Key(id, derive(secret, "igme-ref-mac"), derive(secret, "igme-ref-enc"))) != null) {
                throw new IllegalArgumentException(PROPERTY + " names key '" + id + "' twice");
            }
        }
        return new RefKeys(Map.copyOf(keys), keys.isEmpty() ? null : keys.values().iterator().next());
    }

    /** The key new refs are signed with; empty when none is configured. */
    public Optional<Key> signing() {
        return Optional.ofNullable(signing);
    }

    public Optional<Key> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    private static byte[] derive(byte[] secret, String purpose) {
        return hmac(secret, purpose.getBytes(StandardCharsets.US_ASCII));
    }
}
