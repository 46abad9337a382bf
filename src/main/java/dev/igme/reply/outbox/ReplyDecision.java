package dev.igme.reply.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.igme.attribution.AttributionEvent;
import dev.igme.conversation.MessagingWindow;
import dev.igme.graph.Account;
import dev.igme.reply.rules.ReplyRule;

/**
 * Whether an attribution gets a reply, and with which rule: a pure function of the event, the
 * rules, the account, the conversation's window and the replies already made. Checks run in this
 * order and the first that fails is the recorded reason. {@link #unsendable} is the part the
 * dispatcher checks again right before it sends.
 */
public final class ReplyDecision {

    public enum SkipReason {
        NO_RULE, TEST_DELIVERY, STANDBY, ACCOUNT_NOT_CONFIGURED, ACCOUNT_PAUSED, WINDOW_CLOSED, ALREADY_REPLIED, COOLDOWN
    }

    /**
     * @param pausedTokenFingerprint fingerprint of the token Meta rejected for this account (error 190), or null
     * @param lastReplyByRule for this conversation: when each rule last produced a reply that was or may be sent
     */
    public record Context(AttributionEvent event, List<ReplyRule> rules, Optional<Account> account,
            String pausedTokenFingerprint, Instant lastInboundAt, boolean alreadyReplied,
            Map<Long, Instant> lastReplyByRule, Instant now, Duration margin) {
    }

    /** {@code skip} is null when the reply is to be sent. */
    public record Decision(ReplyRule rule, SkipReason skip, Instant windowExpiresAt) {

        public boolean send() {
            return skip == null;
        }
    }

    /** Highest priority first; between equals the older rule (lower id) wins, so the choice is stable. */
    static final Comparator<ReplyRule> PRECEDENCE = Comparator.comparing(ReplyRule::priority).reversed()
            .thenComparing(r -> r.id() == null ? Long.MAX_VALUE : r.id());

    private ReplyDecision() {
    }

    public static Optional<ReplyRule> pickRule(List<ReplyRule> rules, AttributionEvent event) {
        return rules.stream()
                .filter(rule -> rule.appliesTo(event))
                .min(PRECEDENCE);
    }

    public static Decision decide(Context c) {
        AttributionEvent event = c.event();
        ReplyRule rule = pickRule(c.rules(), event).orElse(null);
        MessagingWindow window = MessagingWindow.after(c.lastInboundAt());
        if (rule == null) {
            return new Decision(null, SkipReason.NO_RULE, window.expiresAt());
        }
        SkipReason skip;
        if (event.test()) {
            skip = SkipReason.TEST_DELIVERY;
        } else if (event.standby()) {
            skip = SkipReason.STANDBY;
        } else {
            skip = unsendable(c.account(), c.pausedTokenFingerprint(), window, c.now(), c.margin());
            if (skip == null && c.alreadyReplied()) {
                skip = SkipReason.ALREADY_REPLIED;
            } else if (skip == null && inCooldown(rule, c)) {
                skip = SkipReason.COOLDOWN;
            }
        }
        return new Decision(rule, skip, window.expiresAt());
    }

    /**
     * Still sendable? The account is configured and not paused (its current token is not the one
     * Meta rejected), and the window is open at {@code now} with at least {@code margin} left.
     *
     * @return null when a reply may go out now, otherwise why not
     */
    public static SkipReason unsendable(Optional<Account> account, String pausedTokenFingerprint,
            MessagingWindow window, Instant now, Duration margin) {
        if (account.isEmpty()) {
            return SkipReason.ACCOUNT_NOT_CONFIGURED;
        }
        if (account.get().pausedFor(pausedTokenFingerprint)) {
            return SkipReason.ACCOUNT_PAUSED;
        }
        if (!window.openAt(now, margin)) {
            return SkipReason.WINDOW_CLOSED;
        }
        return null;
    }

    private static boolean inCooldown(ReplyRule rule, Context c) {
        Instant last = c.lastReplyByRule().get(rule.id());
        return last != null && rule.cooldownSeconds() > 0
                && c.now().isBefore(last.plusSeconds(rule.cooldownSeconds()));
    }
}
