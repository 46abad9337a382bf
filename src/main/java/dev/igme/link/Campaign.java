package dev.igme.link;

import java.time.Instant;

/**
 * A campaign: what links are grouped by, for one Instagram account. Its {@code id} is a slug
 * chosen by people (it starts the refs of its links, so that prefix rules can match a campaign).
 */
public record Campaign(String id, String name, String igAccountId, String description, Instant startsAt,
        Instant endsAt, Instant archivedAt, Instant createdAt, Instant updatedAt) {

    /** What the API takes to create or replace a campaign; {@code id} only on create. */
    public record Input(String id, String name, String igAccountId, String description, Instant startsAt,
            Instant endsAt) {
    }
}
