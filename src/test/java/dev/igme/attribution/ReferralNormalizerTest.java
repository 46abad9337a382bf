package dev.igme.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.conversation.ConversationTouch;
import dev.igme.link.ref.RefCodec;
import dev.igme.link.ref.RefStatus;
import dev.igme.testing.Deliveries;
import dev.igme.testing.Fixtures;
import dev.igme.testing.Refs;

class ReferralNormalizerTest {

    private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:01Z");
    private static final String ACCOUNT = "17841400000000001";
    private final ReferralNormalizer normalizer = new ReferralNormalizer(new ObjectMapper(), Refs.service());

    private ReferralNormalizer.Result read(String fixture) {
        return normalizer.normalize(Fixtures.bytes("normalizer/" + fixture), "delivery-1", RECEIVED);
    }

    private AttributionEvent only(String fixture) {
        ReferralNormalizer.Result result = read(fixture);
        assertTrue(result.readable(), result.deliveryError());
        assertEquals(1, result.attributions().size(), "exactly one attribution in " + fixture);
        return result.attributions().get(0);
    }

    @Test
    void scenario1IcebreakerTapIsANewThreadWithTheQuestionAndPayload() {
        AttributionEvent a = only("scenario1-icebreaker-postback.json");
        assertEquals(Scenario.ICEBREAKER_POSTBACK, a.scenario());
        assertTrue(a.newThread());
        assertEquals(ACCOUNT, a.igAccountId());
        assertEquals("6221000000000042", a.igsid());
        assertEquals("pack-qr_spring=42", a.ref());
        assertTrue(a.refValid());
        assertEquals("IGME-SOURCE-LINK", a.source());
        assertEquals(SourceCategory.SHORTLINK, a.sourceCategory());
        assertEquals("OPEN_THREAD", a.type());
        assertEquals("What sizes do you have?", a.postbackTitle());
        assertEquals("SIZES", a.postbackPayload());
        assertEquals(a.messageId(), a.attributionId(), "the mid is the attribution id");
        assertEquals(Instant.ofEpochMilli(1767225600377L), a.occurredAt());
        assertEquals(RECEIVED, a.receivedAt());
        assertEquals("delivery-1", a.deliveryId());
        assertFalse(a.standby());
        assertFalse(a.test());
        assertEquals(ACCOUNT + ":6221000000000042", a.key());
    }

    @Test
    void scenario2TypedMessageIsANewThread() {
        AttributionEvent a = only("scenario2-new-thread-typed-message.json");
        assertEquals(Scenario.NEW_THREAD_MESSAGE, a.scenario());
        assertTrue(a.newThread());
        assertEquals("billboard-a7", a.ref());
        assertNull(a.postbackTitle());
    }

    @Test
    void scenario2WithoutTextStillCarriesTheReferral() {
        AttributionEvent a = only("scenario2-message-referral-without-text.json");
        assertEquals(Scenario.NEW_THREAD_MESSAGE, a.scenario());
        assertEquals("sms-callers", a.ref());
        assertEquals("SHORTLINKS", a.source());
        assertEquals(SourceCategory.SHORTLINK, a.sourceCategory());
    }

    @Test
    void scenario3TopLevelReferralIsAnExistingThreadWithAHashId() {
        AttributionEvent a = only("scenario3-existing-thread-referral.json");
        assertEquals(Scenario.EXISTING_THREAD_REFERRAL, a.scenario());
        assertFalse(a.newThread());
        assertNull(a.messageId());
        assertTrue(a.attributionId().startsWith("sha256:"), a.attributionId());
        assertEquals(a.attributionId(), only("scenario3-existing-thread-referral.json").attributionId(),
                "the same item always gets the same id");
    }

    @Test
    void everyDocumentedShortlinkSpellingMapsToShortlink() {
        assertEquals(SourceCategory.SHORTLINK, only("scenario3-source-short-url.json").sourceCategory());
        assertEquals("SHORT-URL", only("scenario3-source-short-url.json").source());
        assertEquals(SourceCategory.UNKNOWN, SourceCategory.of("SOMETHING-NEW", null, null));
        assertEquals(SourceCategory.UNKNOWN, SourceCategory.of(null, null, null));
    }

    @Test
    void adsReferralKeepsAdIdAndContext() {
        AttributionEvent a = only("ads-referral.json");
        assertEquals(SourceCategory.ADS, a.sourceCategory());
        assertEquals("120210000000000001", a.adId());
        assertEquals("Summer sale", a.adsContext().get("ad_title").asText());
        assertEquals(Scenario.NEW_THREAD_MESSAGE, a.scenario());
    }

    @Test
    void productReferralWithoutSourceIsAProduct() {
        AttributionEvent a = only("product-referral.json");
        assertEquals(SourceCategory.PRODUCT, a.sourceCategory());
        assertEquals("7000000000000001", a.productId());
        assertNull(a.source());
        assertNull(a.ref());
        assertFalse(a.refValid());
    }

    @Test
    void standbyItemIsRecordedAsStandbyAndStillMovesTheWindow() {
        ReferralNormalizer.Result result = read("standby-existing-thread-referral.json");
        assertTrue(result.attributions().get(0).standby());
        assertEquals(List.of(new ConversationTouch(ACCOUNT, "6221000000000048",
                Instant.ofEpochMilli(1767225600377L), ConversationTouch.Kind.INBOUND)), result.touches());
    }

    @Test
    void dashboardTestDeliveryIsMarkedTestWithSecondsTimestampAndMovesNoWindow() {
        ReferralNormalizer.Result result = read("dashboard-test-changes-shape.json");
        AttributionEvent a = result.attributions().get(0);
        assertTrue(a.test());
        assertEquals(Instant.ofEpochSecond(1527459824L), a.occurredAt(), "seconds given as a string");
        assertEquals("dashboard-sample", a.ref());
        assertTrue(result.touches().isEmpty(), "a test delivery opens no window");
    }

    @Test
    void echoIsNeverAnAttributionAndMovesTheBusinessClockOfTheUsersConversation() {
        ReferralNormalizer.Result result = read("echo-with-referral.json");
        assertTrue(result.attributions().isEmpty());
        assertEquals(List.of(new ConversationTouch(ACCOUNT, "6221000000000042",
                Instant.ofEpochMilli(1767225700000L), ConversationTouch.Kind.BUSINESS)), result.touches(),
                "the echo's sender is the business, its recipient the user");
    }

    @Test
    void refAtTheLimitIsValidAndOneOverIsKeptButFlagged() {
        AttributionEvent atLimit = only("ref-2083-characters.json");
        assertEquals(2083, atLimit.ref().length());
        assertTrue(atLimit.refValid());
        AttributionEvent over = only("ref-2084-characters.json");
        assertEquals(2084, over.ref().length());
        assertFalse(over.refValid());
    }

    @Test
    void refWithForbiddenCharactersIsKeptByteForByteButFlagged() {
        AttributionEvent a = only("ref-invalid-characters.json");
        assertEquals("Spring Sale/50%!", a.ref());
        assertFalse(a.refValid());
    }

    @Test
    void mixedBatchYieldsEveryScenarioForEveryAccountAndEveryInteraction() {
        ReferralNormalizer.Result result = read("batch-mixed-scenarios-and-accounts.json");
        assertEquals(List.of(Scenario.ICEBREAKER_POSTBACK, Scenario.NEW_THREAD_MESSAGE, Scenario.EXISTING_THREAD_REFERRAL),
                result.attributions().stream().map(AttributionEvent::scenario).toList());
        assertEquals("17841400000000002", result.attributions().get(2).igAccountId());
        // postback, message, message without referral, referral, reaction; not the read receipt
        assertEquals(5, result.touches().size());
        assertTrue(result.touches().stream().allMatch(t -> t.kind() == ConversationTouch.Kind.INBOUND));
        assertEquals(1, result.ignoredItems());
    }

    @Test
    void duplicateItemsInOneDeliveryShareOneId() {
        ReferralNormalizer.Result result = read("batch-with-duplicate-item.json");
        assertEquals(2, result.attributions().size());
        assertEquals(result.attributions().get(0).attributionId(), result.attributions().get(1).attributionId());
    }

    @Test
    void badItemsAreRejectedWithTheirPathWhileGoodOnesAreKept() {
        ReferralNormalizer.Result result = read("batch-with-one-bad-item.json");
        assertEquals(List.of("good-next-to-bad"), result.attributions().stream().map(AttributionEvent::ref).toList());
        assertEquals(2, result.rejections().size());
        assertEquals("entry[0].messaging[1]", result.rejections().get(0).path());
        assertEquals("sender.id is missing", result.rejections().get(0).reason());
        assertTrue(new String(result.rejections().get(0).item(), StandardCharsets.UTF_8).contains("no-sender"));
        assertEquals("entry[0].messaging[2]", result.rejections().get(1).path());
    }

    @Test
    void malformedJsonIsUnreadableWithAReason() {
        ReferralNormalizer.Result result = read("malformed-truncated.json");
        assertFalse(result.readable());
        assertTrue(result.deliveryError().startsWith("not valid JSON"), result.deliveryError());
    }

    @Test
    void nonInstagramObjectIsUnreadableWithAReason() {
        ReferralNormalizer.Result result = read("not-instagram-object.json");
        assertFalse(result.readable());
        assertEquals("\"object\" is \"page\", expected \"instagram\"", result.deliveryError());
    }

    @Test
    void hashIdsDifferWhenAnyIdentifyingFieldDiffers() {
        String base = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"sender\":{\"id\":\"%s\"},"
                + "\"recipient\":{\"id\":\"1\"},\"timestamp\":%d,\"referral\":{\"ref\":\"%s\",\"source\":\"%s\"}}]}]}";
        String a = id(String.format(base, "2", 1767225600377L, "r", "SHORTLINK"));
        assertNotEquals(a, id(String.format(base, "3", 1767225600377L, "r", "SHORTLINK")));
        assertNotEquals(a, id(String.format(base, "2", 1767225600378L, "r", "SHORTLINK")));
        assertNotEquals(a, id(String.format(base, "2", 1767225600377L, "s", "SHORTLINK")));
        assertNotEquals(a, id(String.format(base, "2", 1767225600377L, "r", "ADS")));
    }

    @Test
    void nulCharactersNeverReachTheDatabaseAndMakeTheRefInvalid() {
        String body = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"sender\":{\"id\":\"2\"},"
                + "\"recipient\":{\"id\":\"1\"},\"timestamp\":1767225600377,\"referral\":{\"ref\":\"a\\u0000b\"}}]}]}";
        AttributionEvent a = normalizer.normalize(body.getBytes(StandardCharsets.UTF_8), "d", RECEIVED).attributions().get(0);
        assertEquals("a\uFFFDb", a.ref());
        assertFalse(a.refValid());
    }

    @Test
    void hostileIdsAreRejectedNotStored() {
        String body = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"sender\":{\"id\":\"" + "9".repeat(5000)
                + "\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":1767225600377,\"referral\":{\"ref\":\"r\"}}]}]}";
        ReferralNormalizer.Result result = normalizer.normalize(body.getBytes(StandardCharsets.UTF_8), "d", RECEIVED);
        assertTrue(result.attributions().isEmpty());
        assertEquals("sender.id is not an id", result.rejections().get(0).reason());
    }

    @Test
    void aSignedRefIsReadIntoLinkClickAndPersonalIdAtTheItemsOwnTime() {
        long at = 1767225600377L;
        String click = Refs.service().newClickId();
        String ref = Refs.service().mint(new RefCodec.Parts("spring-pack", "L1nk", click, null, "customer-4711"));

        AttributionEvent a = normalizer.normalize(Deliveries.existingThreadReferral("6221000000000042", at, ref), "d",
                RECEIVED).attributions().get(0);

        assertEquals(RefStatus.VERIFIED, a.refStatus());
        assertEquals("L1nk", a.linkId());
        assertEquals(click, a.clickId());
        assertEquals("customer-4711", a.externalId());
        assertEquals(ref, a.ref(), "the ref itself is kept byte for byte");
        assertTrue(a.ref().startsWith("spring-pack="), "prefix rules keep working");
    }

    @Test
    void tamperedExpiredForeignAndUnknownKeyRefsAreRecordedWithTheirStatusAndNothingUnverified() {
        long at = 1767225600377L;
        String ref = Refs.service().mint(new RefCodec.Parts("spring-pack", "L1nk", null, null, "customer-4711"));
        String tampered = ref.replace("spring-pack", "spring-pick");
        String expired = Refs.service().mint(new RefCodec.Parts("spring-pack", "L1nk", null,
                Instant.ofEpochMilli(at).minusSeconds(1), null));
        String unknown = Refs.signingWith(Refs.UNKNOWN).mint(new RefCodec.Parts("spring-pack", "L1nk", null, null, null));
        String rotated = Refs.signingWith(Refs.PREVIOUS).mint(new RefCodec.Parts("spring-pack", "L1nk", null, null, null));

        assertRef(tampered, at, RefStatus.TAMPERED, null);
        assertRef(expired, at, RefStatus.EXPIRED, "L1nk");
        assertRef(unknown, at, RefStatus.UNKNOWN_KEY, null);
        assertRef(rotated, at, RefStatus.VERIFIED, "L1nk");
        assertRef("spring-qr_pack=42", at, RefStatus.FOREIGN, null);
        AttributionEvent noRef = only("product-referral.json");
        assertNull(noRef.ref());
        assertNull(noRef.refStatus(), "no ref, no status");
        assertEquals(RefStatus.FOREIGN, only("ads-referral.json").refStatus(), "an ad's own ref is not ours");
    }

    private void assertRef(String ref, long at, RefStatus status, String linkId) {
        AttributionEvent a = normalizer.normalize(Deliveries.existingThreadReferral("6221000000000042", at, ref), "d",
                RECEIVED).attributions().get(0);
        assertEquals(status, a.refStatus(), ref);
        assertEquals(linkId, a.linkId(), ref);
        assertNull(a.externalId(), "only a verified personal ref binds: " + ref);
        assertEquals(ref, a.ref());
    }

    private String id(String body) {
        return normalizer.normalize(body.getBytes(StandardCharsets.UTF_8), "d", RECEIVED).attributions().get(0).attributionId();
    }
}
