package dev.igme.link;

import java.time.Instant;

/** A link as stored, with its campaign's account; {@link Link} adds the URLs for an answer. */
public record StoredLink(String id, String campaignId, String igAccountId, Channel channel, String label, String slug,
        String ref, String route, Instant expiresAt, Instant archivedAt, Instant createdAt, Instant updatedAt) {

    /** Archived, or past its expiry at {@code now}: the redirect answers 410. */
    public boolean gone(Instant now) {
        return archivedAt != null || (expiresAt != null && !now.isBefore(expiresAt));
    }
}
