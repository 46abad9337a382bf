package dev.igme.conversation;

import java.time.Duration;
import java.time.Instant;

/**
 * Meta's standard messaging window: a business may send a free-form message until 24 hours after
 * the user's last interaction. Nothing opens it before the user interacts (a ref alone on a new
 * thread does not).
 */
public record MessagingWindow(Instant lastInboundAt, Instant expiresAt) {

    public static final Duration STANDARD = Duration.ofHours(24);

    public static MessagingWindow after(Instant lastInboundAt) {
        return new MessagingWindow(lastInboundAt, lastInboundAt == null ? null : lastInboundAt.plus(STANDARD));
    }

    public boolean openAt(Instant now) {
        return openAt(now, Duration.ZERO);
    }

    /** Open at {@code now} with at least {@code margin} left, so that a send started now lands inside it. */
    public boolean openAt(Instant now, Duration margin) {
        return expiresAt != null && now.isBefore(expiresAt.minus(margin));
    }
}
