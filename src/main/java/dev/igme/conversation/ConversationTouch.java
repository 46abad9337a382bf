package dev.igme.conversation;

import java.time.Instant;

/**
 * Something that moves a conversation's clock: an inbound user interaction (message, postback,
 * referral, reaction) or a message the business sent (an echo). Applied as max(old, at), so the
 * order in which Meta delivers them never matters.
 */
public record ConversationTouch(String igAccountId, String igsid, Instant at, Kind kind) {

    public enum Kind {
        /** The user interacted: opens or extends the 24-hour window. */
        INBOUND,
        /** The business sent a message (echo). */
        BUSINESS
    }
}
