package dev.igme.conversation;

import java.util.Comparator;

/** One conversation: an Instagram professional account and one user (IGSID) of it. */
public record ConversationKey(String igAccountId, String igsid) {

    /** The order rows are written in, so that concurrent writers never deadlock. */
    public static final Comparator<ConversationKey> ORDER =
            Comparator.comparing(ConversationKey::igAccountId).thenComparing(ConversationKey::igsid);
}
