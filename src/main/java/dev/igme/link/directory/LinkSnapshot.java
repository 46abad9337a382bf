package dev.igme.link.directory;

import java.time.Instant;

import dev.igme.link.StoredLink;

/**
 * What the redirect needs to know of a link, as published on the compacted topic
 * {@code instagram.links} (key: the link id; the latest value per key is the link's state).
 *
 * @param username the account's Instagram username at publish time; null when none is configured
 */
public record LinkSnapshot(int schemaVersion, String id, String campaignId, String igAccountId, String channel,
        String slug, String username, Instant expiresAt, Instant archivedAt) {

    public static final int SCHEMA_VERSION = 1;

    public static LinkSnapshot of(StoredLink link, String username) {
        return new LinkSnapshot(SCHEMA_VERSION, link.id(), link.campaignId(), link.igAccountId(), link.channel().json(),
                link.slug(), username, link.expiresAt(), link.archivedAt());
    }

    /** Archived, or past its expiry at {@code now}. */
    public boolean gone(Instant now) {
        return archivedAt != null || (expiresAt != null && !now.isBefore(expiresAt));
    }
}
