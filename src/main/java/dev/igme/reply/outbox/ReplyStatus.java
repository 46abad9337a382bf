package dev.igme.reply.outbox;

import dev.igme.graph.GraphError;

/**
 * Where a reply row stands (column {@code reply.status}, the API's {@code status}, the
 * {@code igme_replies_total} tag). {@code PENDING → SENDING → SENT} while it is sent, with
 * {@code CLAIMED} between the first two only when its account's rate limit makes it wait;
 * {@code SKIPPED_<reason>}: no Send API call was made for it; {@code FAILED_<reason>}: calls were
 * made and none succeeded (or the first may have: {@code FAILED_AMBIGUOUS}).
 */
public enum ReplyStatus {
    /** Waiting for its (next) attempt at {@code next_attempt_at}. */
    PENDING,
    /** Taken by a dispatcher, no call made yet: handed back to PENDING if that dispatcher dies. */
    CLAIMED,
    /** Its call is on the wire: a crash from here on leaves it ambiguous. */
    SENDING,
    SENT,

    SKIPPED_NO_RULE,
    SKIPPED_TEST_DELIVERY,
    SKIPPED_STANDBY,
    SKIPPED_ACCOUNT_NOT_CONFIGURED,
    SKIPPED_ACCOUNT_PAUSED,
    SKIPPED_WINDOW_CLOSED,
    SKIPPED_COOLDOWN,
    /** The rule's text has {coupon} and its pool has no free code left (or no longer exists). */
    SKIPPED_NO_COUPON,
    /** The rule's text has {coupon} and this conversation got a code from that pool before: one per conversation. */
    SKIPPED_COUPON_ALREADY_ISSUED,

    /** The rendered text is longer than the Send API takes. */
    FAILED_MESSAGE_TOO_LONG,
    FAILED_WINDOW_CLOSED,
    FAILED_USER_UNAVAILABLE,
    FAILED_NO_MATCHING_USER,
    FAILED_INVALID_MESSAGE,
    FAILED_THREAD_CONTROLLED_BY_OTHER_APP,
    FAILED_DM_ACCESS_DISABLED,
    FAILED_TOKEN_INVALID,
    FAILED_RATE_LIMITED,
    FAILED_TEMPORARY,
    FAILED_AMBIGUOUS,
    FAILED_UNKNOWN;

    /** No further change: sent, skipped or failed. */
    public boolean isFinal() {
        return ordinal() >= SENT.ordinal();
    }

    /** The status a Send API error ends a reply with, once it is not retried. */
    public static ReplyStatus failed(GraphError.Kind kind) {
        return switch (kind) {
            case WINDOW_CLOSED -> FAILED_WINDOW_CLOSED;
            case USER_UNAVAILABLE -> FAILED_USER_UNAVAILABLE;
            case NO_MATCHING_USER -> FAILED_NO_MATCHING_USER;
            case INVALID_MESSAGE -> FAILED_INVALID_MESSAGE;
            case THREAD_CONTROLLED_BY_OTHER_APP -> FAILED_THREAD_CONTROLLED_BY_OTHER_APP;
            case DM_ACCESS_DISABLED -> FAILED_DM_ACCESS_DISABLED;
            case TOKEN_INVALID -> FAILED_TOKEN_INVALID;
            case RATE_LIMITED -> FAILED_RATE_LIMITED;
            case TEMPORARY -> FAILED_TEMPORARY;
            case AMBIGUOUS -> FAILED_AMBIGUOUS;
            case UNKNOWN -> FAILED_UNKNOWN;
        };
    }

    /** The status a decision not to send is recorded with. */
    public static ReplyStatus skipped(ReplyDecision.SkipReason reason) {
        return switch (reason) {
            case NO_RULE -> SKIPPED_NO_RULE;
            case TEST_DELIVERY -> SKIPPED_TEST_DELIVERY;
            case STANDBY -> SKIPPED_STANDBY;
            case ACCOUNT_NOT_CONFIGURED -> SKIPPED_ACCOUNT_NOT_CONFIGURED;
            case ACCOUNT_PAUSED -> SKIPPED_ACCOUNT_PAUSED;
            case WINDOW_CLOSED -> SKIPPED_WINDOW_CLOSED;
            case COOLDOWN -> SKIPPED_COOLDOWN;
            case ALREADY_REPLIED -> throw new IllegalArgumentException("an attribution already replied to gets no second row");
        };
    }
}
