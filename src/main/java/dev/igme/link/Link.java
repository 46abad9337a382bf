package dev.igme.link;

import java.time.Instant;

/**
 * A link as the API answers it: the stored link and where it leads. {@code igMeUrl} carries the
 * link's own signed ref; {@code trackedUrl} goes through this service's redirect (null without
 * {@code igme.links.public-url}), which adds a click id to the ref; the QR images point at the
 * tracked URL by default.
 */
public record Link(String id, String campaignId, Channel channel, String label, String slug, String ref,
        String route, Instant expiresAt, Instant archivedAt, Instant createdAt, Instant updatedAt, String igMeUrl,
        String trackedUrl, String qrPngUrl, String qrSvgUrl) {

    /** What the API takes to create a link ({@code campaignId} required) or to update one (all optional). */
    public record Input(String campaignId, Channel channel, String label, String slug, String route,
            Instant expiresAt) {
    }

    /** A personal ref's request: the business's own id for the person, and optionally when it stops counting. */
    public record PersonalRefRequest(String externalId, Instant expiresAt) {
    }

    /** A minted personal ref, and the ig.me URL that carries it. */
    public record PersonalRef(String linkId, String ref, String igMeUrl, Instant expiresAt) {
    }
}
