package dev.igme.link.ref;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and reads the refs of links: a readable slug first (so that prefix and glob rules keep
 * working), then the link id, optional fields and an HMAC tag under a key id. Pure: no I/O, no
 * clock (the caller passes the instant an expiry is judged at). The format is specified in the
 * README ("The ref format") precisely enough to mint refs in another language:
 *
 * <pre>
 * ref    = slug "=" "1" kid "=" link [ "=c" click ] [ "=e" expiry ] [ "=x" sealed ] "=" tag
 * slug   = 1*64 of a-z 0-9 and single "-" between words
 * kid    = 1*8 of A-Z a-z 0-9                ; the key id (format version 1 before it)
 * link   = 1*16 of A-Z a-z 0-9               ; the link's id
 * click  = 22 base64url characters           ; 16 random bytes: the click id
 * expiry = 1*11 digits                       ; epoch seconds, the ref is EXPIRED from then on
 * sealed = base64url(nonce[12] || AES-256-GCM(encKey, nonce, externalId, aad = link))
 * tag    = base64url(first 12 bytes of HMAC-SHA256(macKey, everything before "=" tag))
 * </pre>
 *
 * base64url is RFC 4648 §5 without padding, so every character is in Meta's ref alphabet
 * ({@code A-Z a-z 0-9 - _ =}) and "=" separates the parts.
 */
public final class RefCodec {

    /** Longest ref Meta passes on. */
    public static final int MAX_LENGTH = 2083;
    /** Longest external id a personal ref carries (UTF-8 bytes). */
    public static final int MAX_EXTERNAL_ID_BYTES = 256;
    public static final Pattern SLUG = Pattern.compile("[a-z0-9]{1,64}(?:-[a-z0-9]{1,64})*");
    public static final int MAX_SLUG = 64;
    public static final Pattern LINK_ID = Pattern.compile("[A-Za-z0-9]{1,16}");
    static final String VERSION = "1";
    private static final Pattern HEAD = Pattern.compile("[0-9][A-Za-z0-9]{1,8}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_-]{16}");
    private static final Pattern CLICK = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern EXPIRY = Pattern.compile("[0-9]{1,11}");
    private static final int TAG_BYTES = 12;
    private static final int NONCE_BYTES = 12;
    private static final int GCM_TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    /**
     * What a ref says. {@code clickId}, {@code expiresAt} and {@code externalId} are null when absent.
     */
    public record Parts(String slug, String linkId, String clickId, Instant expiresAt, String externalId) {

        public Parts withClick(String click) {
            return new Parts(slug, linkId, click, expiresAt, externalId);
        }

        public Parts withPersonal(String external, Instant expiry) {
            return new Parts(slug, linkId, clickId, expiry, external);
        }
    }

    /**
     * The reading of a ref. {@code parts} are those of a ref whose tag verified ({@code VERIFIED} or
     * {@code EXPIRED}), otherwise null: nothing unverified is passed on as a fact.
     */
    public record Decoded(RefStatus status, String keyId, Parts parts) {

        static Decoded of(RefStatus status) {
            return new Decoded(status, null, null);
        }
    }

    private final RefKeys keys;
    private final SecureRandom random = new SecureRandom();

    public RefCodec(RefKeys keys) {
        this.keys = keys;
    }

    /** Whether refs can be minted: a signing key is configured. */
    public boolean canMint() {
        return keys.signing().isPresent();
    }

    /** A new click id: 16 random bytes, base64url. */
    public String newClickId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /**
     * The ref for these parts, signed (and the external id sealed) with the first configured key.
     *
     * @throws IllegalStateException when no key is configured
     * @throws IllegalArgumentException when a part is outside the format or the ref would be too long
     */
    public String mint(Parts parts) {
        RefKeys.Key key = keys.signing().orElseThrow(() -> new IllegalStateException(
                RefKeys.PROPERTY + " is not set: refs cannot be signed"));
        if (parts.slug().length() > MAX_SLUG || !SLUG.matcher(parts.slug()).matches()) {
            throw new IllegalArgumentException("slug must be 1-64 of a-z 0-9 with single '-' between words");
        }
        if (!LINK_ID.matcher(parts.linkId()).matches()) {
            throw new IllegalArgumentException("link id must be 1-16 letters or digits");
        }
        StringBuilder ref = new StringBuilder(parts.slug()).append('=').append(VERSION).append(key.id())
                .append('=').append(parts.linkId());
        if (parts.clickId() != null) {
            if (!CLICK.matcher(parts.clickId()).matches()) {
                throw new IllegalArgumentException("click id must be 22 base64url characters");
            }
            ref.append("=c").append(parts.clickId());
        }
        if (parts.expiresAt() != null) {
            ref.append("=e").append(Math.max(0, parts.expiresAt().getEpochSecond()));
        }
        if (parts.externalId() != null) {
            byte[] external = parts.externalId().getBytes(StandardCharsets.UTF_8);
            if (external.length == 0 || external.length > MAX_EXTERNAL_ID_BYTES) {
                throw new IllegalArgumentException("externalId must be 1-" + MAX_EXTERNAL_ID_BYTES + " UTF-8 bytes");
            }
            ref.append("=x").append(B64.encodeToString(seal(key, parts.linkId(), external)));
        }
        String tag = tag(key, ref.toString());
        ref.append('=').append(tag);
        if (ref.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the ref would be " + ref.length() + " characters; Meta passes at most "
                    + MAX_LENGTH);
        }
        return ref.toString();
    }

    /**
     * Reads a ref as the normalizer sees it.
     *
     * @param at the instant the user followed it (the item's timestamp), for the expiry
     */
    public Decoded decode(String ref, Instant at) {
        if (ref == null || ref.length() > MAX_LENGTH) {
            return Decoded.of(RefStatus.FOREIGN);
        }
        String[] part = ref.split("=", -1);
        if (part.length < 4 || !HEAD.matcher(part[1]).matches() || !TAG.matcher(part[part.length - 1]).matches()
                || part[0].isEmpty()) {
            return Decoded.of(RefStatus.FOREIGN);
        }
        if (!part[1].startsWith(VERSION)) {
            return Decoded.of(RefStatus.TAMPERED); // our shape, a version no key of ours ever signed
        }
        String keyId = part[1].substring(VERSION.length());
        RefKeys.Key key = keys.find(keyId).orElse(null);
        if (key == null) {
            return new Decoded(RefStatus.UNKNOWN_KEY, keyId, null);
        }
        String tag = part[part.length - 1];
        String signed = ref.substring(0, ref.length() - tag.length() - 1);
        if (!MessageDigest.isEqual(tag.getBytes(StandardCharsets.US_ASCII),
                tag(key, signed).getBytes(StandardCharsets.US_ASCII))) {
            return new Decoded(RefStatus.TAMPERED, keyId, null);
        }
        Parts parts = fields(key, part);
        if (parts == null) {
            return new Decoded(RefStatus.TAMPERED, keyId, null); // signed, but not by this format's rules
        }
        boolean expired = parts.expiresAt() != null && at != null && !at.isBefore(parts.expiresAt());
        return new Decoded(expired ? RefStatus.EXPIRED : RefStatus.VERIFIED, keyId, parts);
    }

    /** The fields of a ref whose tag verified, or null when they break the format. */
    private Parts fields(RefKeys.Key key, String[] part) {
        String slug = part[0];
        String link = part[2];
        if (slug.length() > MAX_SLUG || !SLUG.matcher(slug).matches() || !LINK_ID.matcher(link).matches()) {
            return null;
        }
        String click = null;
        Instant expiry = null;
        String external = null;
        String order = "cex";
        int next = 0;
        for (int i = 3; i < part.length - 1; i++) {
            String field = part[i];
            int kind = field.isEmpty() ? -1 : order.indexOf(field.charAt(0));
            if (kind < next) {
                return null; // unknown, repeated or out of order
            }
            next = kind + 1;
            String value = field.substring(1);
            switch (field.charAt(0)) {
                case 'c' -> {
                    if (!CLICK.matcher(value).matches()) {
                        return null;
                    }
                    click = value;
                }
                case 'e' -> {
                    if (!EXPIRY.matcher(value).matches()) {
                        return null;
                    }
                    expiry = Instant.ofEpochSecond(Long.parseLong(value));
                }
                default -> {
                    external = open(key, link, value);
                    if (external == null) {
                        return null;
                    }
                }
            }
        }
        return new Parts(slug, link, click, expiry, external);
    }

    static String tag(RefKeys.Key key, String signed) {
        byte[] mac = RefKeys.hmac(key.macKey(), signed.getBytes(StandardCharsets.US_ASCII));
        return B64.encodeToString(Arrays.copyOf(mac, TAG_BYTES));
    }

    private byte[] seal(RefKeys.Key key, String link, byte[] external) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.encKey(), "AES"), new GCMParameterSpec(GCM_TAG_BITS, nonce));
            cipher.updateAAD(link.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(external);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    /** The external id, or null when the sealed value does not open under this key and link. */
    private static String open(RefKeys.Key key, String link, String sealed) {
        byte[] bytes;
        try {
            bytes = B64_DECODER.decode(sealed);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length <= NONCE_BYTES + GCM_TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.encKey(), "AES"),
                    new GCMParameterSpec(GCM_TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(link.getBytes(StandardCharsets.US_ASCII));
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(plain)).toString();
        } catch (GeneralSecurityException | CharacterCodingException e) {
            return null;
        }
    }
}
