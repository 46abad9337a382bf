package dev.igme.attribution;

/** Which of the three ig.me referral situations an item shows. */
public enum Scenario {
    /** New thread, the user tapped an Ice Breaker: {@code postback.referral}. */
    ICEBREAKER_POSTBACK(true),
    /** New thread, the user typed a message instead: {@code message.referral}. */
    NEW_THREAD_MESSAGE(true),
    /** Existing thread, the user followed the link again: top-level {@code referral}; resets the window. */
    EXISTING_THREAD_REFERRAL(false);

    private final boolean newThread;

    Scenario(boolean newThread) {
        this.newThread = newThread;
    }

    public boolean newThread() {
        return newThread;
    }
}
