package dev.igme.reply.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.Scenario;
import dev.igme.graph.QuickReply;
import dev.igme.testing.Events;

class ReplyRuleTest {

    private static boolean matches(ReplyRule.MatchType type, String pattern, boolean ignoreCase, String ref) {
        return new ReplyRule.Match(type, pattern, ignoreCase).matches(ref);
    }

    @Test
    void exactPrefixAndGlobMatching() {
        assertTrue(matches(ReplyRule.MatchType.EXACT, "Spring-QR", false, "Spring-QR"));
        assertFalse(matches(ReplyRule.MatchType.EXACT, "Spring-QR", false, "spring-qr"));
        assertTrue(matches(ReplyRule.MatchType.EXACT, "Spring-QR", true, "spring-qr"));
        assertTrue(matches(ReplyRule.MatchType.PREFIX, "pack-", false, "pack-42"));
        assertFalse(matches(ReplyRule.MatchType.PREFIX, "pack-", false, "PACK-42"));
        assertTrue(matches(ReplyRule.MatchType.PREFIX, "pack-", true, "PACK-42"));
        assertTrue(matches(ReplyRule.MatchType.GLOB, "spring-*-qr", false, "spring-pack_42-qr"));
        assertTrue(matches(ReplyRule.MatchType.GLOB, "*qr", false, "qr"));
        assertTrue(matches(ReplyRule.MatchType.GLOB, "a*b*c", false, "a-b-x-c"));
        assertFalse(matches(ReplyRule.MatchType.GLOB, "spring-*-qr", false, "spring-pack-qr-2"));
        assertFalse(matches(ReplyRule.MatchType.GLOB, "a.c", false, "abc"), "only * is special");
        assertTrue(matches(ReplyRule.MatchType.GLOB, "a=*", false, "a=1"));
        assertFalse(matches(ReplyRule.MatchType.GLOB, "*", false, null));
    }

    @Test
    void validationFillsDefaults() {
        ReplyRule rule = RuleValidator.validate(new ReplyRule(null, "r", new ReplyRule.Match(ReplyRule.MatchType.EXACT, "x", null),
                null, null, null, null, null, new ReplyRule.Message("hi", null)));
        assertEquals(List.of(Scenario.values()), rule.scenarios());
        assertEquals(List.of(), rule.accounts());
        assertEquals(0, rule.priority());
        assertEquals(0L, rule.cooldownSeconds());
        assertTrue(rule.enabled());
        assertFalse(rule.match().caseInsensitive());
        assertEquals(List.of(), rule.message().quickReplies());
    }

    @Test
    void aRuleMayMatchOnTheCampaignChannelOrLinkOfAVerifiedRef() {
        ReplyRule byCampaign = RuleValidator.validate(new ReplyRule(null, "spring", null, null, null, null, null, null,
                new ReplyRule.Message("Thanks via {channel}", null), List.of("spring"), List.of("Packaging"), null));
        AttributionEvent plain = Events.referral("spring-pack=1t2=L1=tag", false, false, java.time.Instant.now());
        AttributionEvent linked = plain.withLink("spring", "packaging");
        AttributionEvent otherChannel = plain.withLink("spring", "billboard");

        assertEquals(List.of("packaging"), byCampaign.channels(), "channels are kept in their JSON form");
        assertTrue(byCampaign.appliesTo(linked));
        assertFalse(byCampaign.appliesTo(otherChannel));
        assertFalse(byCampaign.appliesTo(plain), "a ref without a verified link matches no link condition");
        assertEquals("Thanks via packaging", MessageTemplate.render(byCampaign.message().text(), linked));
        assertInvalid("channels[0]", new ReplyRule(null, "r", null, null, null, null, null, null,
                new ReplyRule.Message("hi", null), null, List.of("radio"), null));
        assertInvalid("campaigns[0]", new ReplyRule(null, "r", null, null, null, null, null, null,
                new ReplyRule.Message("hi", null), java.util.Arrays.asList((String) null), null, null));
        assertInvalid("match", new ReplyRule(null, "r", null, null, null, null, null, null,
                new ReplyRule.Message("hi", null)));
    }

    @Test
    void invalidRulesNameTheFieldAndWhy() {
        assertInvalid("name", base("", "hi", null));
        assertInvalid("message.text", base("r", "é".repeat(501), null)); // 1,002 bytes
        assertInvalid("message.text", base("r", "Hello {name}", null));
        assertInvalid("message.quickReplies", base("r", "hi", Collections.nCopies(14, new QuickReply("a", "b"))));
        assertInvalid("message.quickReplies[0].title", base("r", "hi", List.of(new QuickReply("x".repeat(21), "b"))));
        assertInvalid("message.quickReplies[0].payload", base("r", "hi", List.of(new QuickReply("ok", null))));
        assertInvalid("match.type", new ReplyRule(null, "r", new ReplyRule.Match(null, "x", false), null, null, null, null,
                null, new ReplyRule.Message("hi", null)));
        assertInvalid("match.pattern", new ReplyRule(null, "r", new ReplyRule.Match(ReplyRule.MatchType.EXACT, " ", false),
                null, null, null, null, null, new ReplyRule.Message("hi", null)));
        assertInvalid("scenarios", new ReplyRule(null, "r", new ReplyRule.Match(ReplyRule.MatchType.EXACT, "x", false),
                List.of(), null, null, null, null, new ReplyRule.Message("hi", null)));
        assertInvalid("cooldownSeconds", new ReplyRule(null, "r", new ReplyRule.Match(ReplyRule.MatchType.EXACT, "x", false),
                null, null, null, -1L, null, new ReplyRule.Message("hi", null)));
        // exactly 1,000 bytes and 13 quick replies of 20 characters are fine
        RuleValidator.validate(base("r", "é".repeat(500), Collections.nCopies(13, new QuickReply("x".repeat(20), "p"))));
    }

    @Test
    void aCouponInTheTextAndAPoolGoTogether() {
        ReplyRule.Match x = new ReplyRule.Match(ReplyRule.MatchType.EXACT, "x", false);
        assertInvalid("couponPool", base("r", "Your code: {coupon}", null));
        assertInvalid("couponPool", new ReplyRule(null, "r", x, null, null, null, null, null,
                new ReplyRule.Message("no code here", null), "spring"));
        assertInvalid("couponPool", new ReplyRule(null, "r", x, null, null, null, null, null,
                new ReplyRule.Message("{coupon}", null), "p".repeat(101)));
        ReplyRule valid = RuleValidator.validate(new ReplyRule(null, "r", x, null, null, null, null, null,
                new ReplyRule.Message("Your code: {coupon}", null), " spring "));
        assertEquals("spring", valid.couponPool());
        assertEquals(null, RuleValidator.validate(new ReplyRule(null, "r", x, null, null, null, null, null,
                new ReplyRule.Message("hi", null), " ")).couponPool(), "a blank pool is no pool");
    }

    @Test
    void theCouponIsFilledInOnePassAndAbsentIsEmpty() {
        AttributionEvent e = Events.referral("qr-{coupon}", false, false, java.time.Instant.now());
        assertEquals("Code {ref} for qr-{coupon}", MessageTemplate.render("Code {coupon} for {ref}", e, "{ref}"),
                "values are never read as placeholders");
        assertEquals("Code  for qr-{coupon}", MessageTemplate.render("Code {coupon} for {ref}", e));
        assertTrue(MessageTemplate.usesCoupon("a {coupon}"));
        assertFalse(MessageTemplate.usesCoupon("a {ref} {coupons} coupon"));
    }

    @Test
    void templateFillsPlaceholdersAndLeavesAbsentValuesEmpty() {
        AttributionEvent e = Events.referral("qr-7", false, false, java.time.Instant.now());
        assertEquals("Thanks for scanning qr-7 (EXISTING_THREAD_REFERRAL) !",
                MessageTemplate.render("Thanks for scanning {ref} ({scenario}) {postbackTitle}!", e));
    }

    @Test
    void rulesFileErrorsNameTheFileTheRuleAndTheField() throws IOException {
        Path file = Files.createTempFile("rules", ".json");
        Files.writeString(file, "[{\"name\":\"ok\",\"match\":{\"type\":\"EXACT\",\"pattern\":\"a\"},\"message\":{\"text\":\"hi\"}},"
                + "{\"name\":\"bad\",\"match\":{\"type\":\"EXACT\",\"pattern\":\"b\"},\"message\":{\"text\":\"\"}}]");
        var e = assertThrows(IllegalStateException.class, () -> RulesFileImport.read(file, new ObjectMapper()));
        assertEquals("igme.reply.rules-file " + file + ": rule #2 ('bad'): message.text is missing or blank", e.getMessage());

        Files.writeString(file, "{\"not\":\"a list\"}");
        var notList = assertThrows(IllegalStateException.class, () -> RulesFileImport.read(file, new ObjectMapper()));
        assertTrue(notList.getMessage().startsWith("igme.reply.rules-file " + file + " is not a readable JSON list"));

        Files.writeString(file, "[{\"name\":\"typo\",\"match\":{\"type\":\"EXACT\",\"pattern\":\"a\"},\"cooldown\":60,"
                + "\"message\":{\"text\":\"hi\"}}]");
        ObjectMapper lenient = new ObjectMapper().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        var typo = assertThrows(IllegalStateException.class, () -> RulesFileImport.read(file, lenient));
        assertTrue(typo.getMessage().contains("cooldown"), typo.getMessage());
    }

    private static ReplyRule base(String name, String text, List<QuickReply> quickReplies) {
        return new ReplyRule(null, name, new ReplyRule.Match(ReplyRule.MatchType.EXACT, "x", false), null, null, null, null,
                null, new ReplyRule.Message(text, quickReplies));
    }

    private static void assertInvalid(String field, ReplyRule rule) {
        RuleValidator.InvalidRule e = assertThrows(RuleValidator.InvalidRule.class, () -> RuleValidator.validate(rule));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }
}
