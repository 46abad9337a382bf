package dev.igme.link.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class RefCodecTest {

    static final String K1 = "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes
    static final String K2 = "k2:" + "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    /** Meta's ref alphabet and length. */
    static final Pattern META_REF = Pattern.compile("[A-Za-z0-9_=-]{1,2083}");

    private final RefCodec codec = new RefCodec(RefKeys.parse(List.of(K1)));

    @Test
    void aMintedRefReadsBackVerifiedAndKeepsItsReadableSlugFirst() {
        String ref = codec.mint(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", null, null, null));

        assertTrue(ref.startsWith("spring-pack=1k1=Ab3dE6gH9j="), ref);
        assertTrue(META_REF.matcher(ref).matches(), ref);
        RefCodec.Decoded decoded = codec.decode(ref, NOW);
        assertEquals(RefStatus.VERIFIED, decoded.status());
        assertEquals("k1", decoded.keyId());
        assertEquals(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", null, null, null), decoded.parts());
    }

    @Test
    void aClickAndAPersonalExternalIdTravelSignedAndTheExternalIdUnreadable() {
        String click = codec.newClickId();
        Instant expiry = NOW.plusSeconds(3600);
        String ref = codec.mint(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", click, expiry, "customer-4711"));

        assertTrue(META_REF.matcher(ref).matches(), ref);
        assertFalse(ref.contains("4711"), "the external id is sealed, not readable: " + ref);
        RefCodec.Decoded decoded = codec.decode(ref, NOW);
        assertEquals(RefStatus.VERIFIED, decoded.status());
        assertEquals(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", click, Instant.ofEpochSecond(expiry.getEpochSecond()),
                "customer-4711"), decoded.parts());
        assertNotEquals(ref, codec.mint(decoded.parts()), "a fresh nonce each time: equal ids do not show");
    }

    @Test
    void everyOneCharacterChangeIsCaughtAndNeverVerified() {
        String ref = codec.mint(new RefCodec.Parts("spring-pack", "Ab3dE6gH9j", codec.newClickId(),
                NOW.plusSeconds(60), "customer-4711"));
        String alphabet = "ABab09-_=";
        int tampered = 0;
        for (int i = 0; i < ref.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (ref.charAt(i) == c) {
                    continue;
                }
                String altered = ref.substring(0, i) + c + ref.substring(i + 1);
                RefStatus status = codec.decode(altered, NOW).status();
                assertNotEquals(RefStatus.VERIFIED, status, "position " + i + " -> " + altered);
                assertNotEquals(RefStatus.EXPIRED, status, "position " + i + " -> " + altered);
                if (status == RefStatus.TAMPERED) {
                    tampered++;
                }
            }
        }
        assertTrue(tampered > ref.length() * 5, "most single changes read as TAMPERED: " + tampered);
        String slugChanged = "spring-pacK" + ref.substring("spring-pack".length());
        assertEquals(RefStatus.TAMPERED, codec.decode(slugChanged, NOW).status());
        String linkChanged = ref.replace("=Ab3dE6gH9j=", "=Ab3dE6gH9k=");
        assertEquals(RefStatus.TAMPERED, codec.decode(linkChanged, NOW).status());
    }

    @Test
    void anExpiredRefIsExpiredFromItsExpiryOn() {
        String ref = codec.mint(new RefCodec.Parts("promo", "L1", null, NOW, null));

        assertEquals(RefStatus.VERIFIED, codec.decode(ref, NOW.minusSeconds(1)).status());
        RefCodec.Decoded expired = codec.decode(ref, NOW);
        assertEquals(RefStatus.EXPIRED, expired.status());
        assertEquals("L1", expired.parts().linkId(), "an expired ref still says which link it was");
    }

    @Test
    void keysRotate_theFirstSignsAllVerify_andARemovedKeyIsUnknown() {
        String oldRef = codec.mint(new RefCodec.Parts("promo", "L1", null, null, "x-1"));
        RefCodec rotated = new RefCodec(RefKeys.parse(List.of(K2, K1)));
        RefCodec retired = new RefCodec(RefKeys.parse(List.of(K2)));

        assertEquals(RefStatus.VERIFIED, rotated.decode(oldRef, NOW).status());
        assertEquals("x-1", rotated.decode(oldRef, NOW).parts().externalId());
        assertTrue(rotated.mint(new RefCodec.Parts("promo", "L1", null, null, null)).startsWith("promo=1k2="));
        RefCodec.Decoded unknown = retired.decode(oldRef, NOW);
        assertEquals(RefStatus.UNKNOWN_KEY, unknown.status());
        assertEquals("k1", unknown.keyId());
        assertNull(unknown.parts(), "nothing unverified is passed on");
    }

    @Test
    void refsTypedByHandOrMintedElsewhereAreForeign() {
        for (String foreign : List.of("spring-qr_pack=42", "promo", "a=b=c", "", "x=1k1=L1=short")) {
            assertEquals(RefStatus.FOREIGN, codec.decode(foreign, NOW).status(), foreign);
        }
        assertEquals(RefStatus.FOREIGN, codec.decode(null, NOW).status());
        assertEquals(RefStatus.FOREIGN, new RefCodec(RefKeys.parse(List.of())).decode("a", NOW).status());
    }

    @Test
    void aSealedIdMovedToAnotherLinkDoesNotOpenEvenUnderAValidTag() {
        String ref = codec.mint(new RefCodec.Parts("promo", "L1", null, null, "customer-1"));
        String sealed = ref.split("=")[3];
        RefKeys.Key key = RefKeys.parse(List.of(K1)).signing().orElseThrow();
        String unsigned = "promo=1k1=L2=" + sealed;
        String spliced = unsigned + "=" + RefCodec.tag(key, unsigned);

        assertEquals(RefStatus.TAMPERED, codec.decode(spliced, NOW).status(), "the AEAD binds the id to link L1");
        String same = "promo=1k1=L1=" + sealed;
        assertEquals(RefStatus.VERIFIED, codec.decode(same + "=" + RefCodec.tag(key, same), NOW).status());
    }

    @Test
    void badPartsAndKeysAreRefusedWithReasons() {
        assertThrows(IllegalArgumentException.class, () -> codec.mint(new RefCodec.Parts("Spring", "L1", null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> codec.mint(new RefCodec.Parts("a--b", "L1", null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> codec.mint(new RefCodec.Parts("a", "L-1", null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> codec.mint(new RefCodec.Parts("a", "L1", null, null,
                "x".repeat(RefCodec.MAX_EXTERNAL_ID_BYTES + 1))));
        assertThrows(IllegalStateException.class,
                () -> new RefCodec(RefKeys.parse(List.of())).mint(new RefCodec.Parts("a", "L1", null, null, null)));
        var shortKey = assertThrows(IllegalArgumentException.class, () -> RefKeys.parse(List.of("k1:c2hvcnQ=")));
        assertTrue(shortKey.getMessage().contains("at least 32"), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RefKeys.parse(List.of("no-colon")));
        assertThrows(IllegalArgumentException.class, () -> RefKeys.parse(List.of(K1, K1)));
    }
}
