package dev.igme.reply.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.Scenario;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.reply.outbox.ReplyDecision.SkipReason;
import dev.igme.reply.rules.ReplyRule;
import dev.igme.reply.rules.RuleValidator;
import dev.igme.testing.Events;

class ReplyDecisionTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration MARGIN = Duration.ofMinutes(5);
    private static final Account ACCOUNT = new Account("acc", IgmeConfig.Account.Flavour.INSTAGRAM_LOGIN, "token", null, 100, false);
    private static final ReplyRule QR = rule(1L, "qr", ReplyRule.MatchType.PREFIX, "qr-", 0, 0);

    static ReplyRule rule(Long id, String name, ReplyRule.MatchType type, String pattern, int priority, long cooldown) {
        return RuleValidator.validate(new ReplyRule(id, name, new ReplyRule.Match(type, pattern, false), null, null,
                priority, cooldown, true, new ReplyRule.Message("Hi {ref}", null)));
    }

    static AttributionEvent event(String ref, boolean standby, boolean test) {
        return Events.referral(ref, standby, test, NOW);
    }

    private static ReplyDecision.Decision decide(AttributionEvent event, List<ReplyRule> rules, Optional<Account> account,
            String paused, Instant lastInbound, boolean replied, Map<Long, Instant> lastByRule) {
        return ReplyDecision.decide(new ReplyDecision.Context(event, rules, account, paused, lastInbound, replied,
                lastByRule, NOW, MARGIN));
    }

    private static ReplyDecision.Decision decide(AttributionEvent event) {
        return decide(event, List.of(QR), Optional.of(ACCOUNT), null, NOW.minusSeconds(60), false, Map.of());
    }

    @Test
    void everythingInPlaceMeansSendWithTheRuleAndTheWindowEnd() {
        ReplyDecision.Decision d = decide(event("qr-1", false, false));
        assertTrue(d.send());
        assertEquals(QR, d.rule());
        assertEquals(NOW.minusSeconds(60).plus(Duration.ofHours(24)), d.windowExpiresAt());
    }

    @Test
    void eachMissingConditionIsTheRecordedReason() {
        assertEquals(SkipReason.NO_RULE, decide(event("other", false, false)).skip());
        assertEquals(SkipReason.NO_RULE, decide(event(null, false, false)).skip(), "no ref matches nothing");
        assertEquals(SkipReason.TEST_DELIVERY, decide(event("qr-1", false, true)).skip());
        assertEquals(SkipReason.STANDBY, decide(event("qr-1", true, false)).skip());
        assertEquals(SkipReason.ACCOUNT_NOT_CONFIGURED, decide(event("qr-1", false, false), List.of(QR), Optional.empty(),
                null, NOW, false, Map.of()).skip());
        assertEquals(SkipReason.ACCOUNT_PAUSED, decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT),
                ACCOUNT.tokenFingerprint(), NOW, false, Map.of()).skip());
        assertEquals(SkipReason.ACCOUNT_PAUSED, decide(event("qr-1", false, false), List.of(QR),
                Optional.of(new Account("acc", IgmeConfig.Account.Flavour.INSTAGRAM_LOGIN, "token", null, 100, true)),
                null, NOW, false, Map.of()).skip(), "paused by configuration");
        assertEquals(SkipReason.ALREADY_REPLIED, decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT),
                null, NOW, true, Map.of()).skip());
    }

    @Test
    void aPauseForAnotherTokenNoLongerApplies() {
        assertTrue(decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT), "fingerprint-of-old-token",
                NOW.minusSeconds(60), false, Map.of()).send());
    }

    @Test
    void windowMustStayOpenForTheMargin() {
        Instant lastInbound = NOW.minus(Duration.ofHours(24)).plus(MARGIN).plusSeconds(1);
        assertTrue(decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT), null, lastInbound, false,
                Map.of()).send(), "more than the margin left");
        assertEquals(SkipReason.WINDOW_CLOSED, decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT),
                null, lastInbound.minusSeconds(2), false, Map.of()).skip(), "less than the margin left");
        assertEquals(SkipReason.WINDOW_CLOSED, decide(event("qr-1", false, false), List.of(QR), Optional.of(ACCOUNT),
                null, null, false, Map.of()).skip(), "a ref alone opens no window");
    }

    @Test
    void cooldownCountsFromTheRulesLastReplyInThisConversation() {
        ReplyRule hourly = rule(2L, "hourly", ReplyRule.MatchType.EXACT, "promo", 0, 3600);
        AttributionEvent e = event("promo", false, false);
        assertEquals(SkipReason.COOLDOWN, decide(e, List.of(hourly), Optional.of(ACCOUNT), null, NOW, false,
                Map.of(2L, NOW.minusSeconds(3599))).skip());
        assertTrue(decide(e, List.of(hourly), Optional.of(ACCOUNT), null, NOW, false,
                Map.of(2L, NOW.minusSeconds(3600))).send());
        assertTrue(decide(e, List.of(hourly), Optional.of(ACCOUNT), null, NOW, false,
                Map.of(99L, NOW)).send(), "another rule's reply does not count");
    }

    @Test
    void highestPriorityWinsThenTheOlderRule() {
        ReplyRule generic = rule(10L, "generic", ReplyRule.MatchType.GLOB, "*", 0, 0);
        ReplyRule specific = rule(11L, "specific", ReplyRule.MatchType.PREFIX, "qr-", 5, 0);
        ReplyRule sameButNewer = rule(12L, "newer", ReplyRule.MatchType.PREFIX, "qr", 5, 0);
        assertEquals(specific, ReplyDecision.pickRule(List.of(generic, sameButNewer, specific), event("qr-1", false, false)).get());
        assertEquals(generic, ReplyDecision.pickRule(List.of(generic, specific), event("zzz", false, false)).get());
    }

    @Test
    void disabledRulesAndOtherScenariosOrAccountsDoNotApply() {
        ReplyRule disabled = RuleValidator.validate(new ReplyRule(3L, "off", new ReplyRule.Match(ReplyRule.MatchType.GLOB,
                "*", false), null, null, 0, 0L, false, new ReplyRule.Message("x", null)));
        ReplyRule newThreadsOnly = RuleValidator.validate(new ReplyRule(4L, "new", new ReplyRule.Match(ReplyRule.MatchType.GLOB,
                "*", false), List.of(Scenario.ICEBREAKER_POSTBACK, Scenario.NEW_THREAD_MESSAGE), null, 0, 0L, true,
                new ReplyRule.Message("x", null)));
        ReplyRule otherAccount = RuleValidator.validate(new ReplyRule(5L, "acc2", new ReplyRule.Match(ReplyRule.MatchType.GLOB,
                "*", false), null, List.of("acc2"), 0, 0L, true, new ReplyRule.Message("x", null)));
        assertNull(ReplyDecision.pickRule(List.of(disabled, newThreadsOnly, otherAccount), event("a", false, false)).orElse(null));
    }
}
