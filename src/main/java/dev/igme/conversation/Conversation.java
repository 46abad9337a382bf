package dev.igme.conversation;

import java.time.Instant;

/**
 * A conversation's clocks (table {@code conversation}, owned by {@link ConversationStore}):
 * the last inbound interaction of the user and the last message the business sent.
 */
public record Conversation(ConversationKey key, Instant lastInboundAt, Instant lastBusinessMessageAt) {

    /** Meta's messaging window after the user's last interaction. */
    public MessagingWindow window() {
        return MessagingWindow.after(lastInboundAt);
    }
}
