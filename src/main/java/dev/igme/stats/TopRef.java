package dev.igme.stats;

import java.time.Instant;

/**
 * A ref and what it brought in the range. Refs of one link (per-click and personal refs) count
 * together under the link's own ref; any other ref (foreign, tampered, unknown key) stands alone,
 * as typed.
 *
 * @param refStatus     VERIFIED, TAMPERED, EXPIRED, UNKNOWN_KEY, FOREIGN (null for rows stored before links)
 * @param conversations referrals (attributions)
 * @param users         distinct Instagram users
 */
public record TopRef(String ref, String refStatus, String link, String campaign, String channel, long conversations,
        long users, Instant firstAt, Instant lastAt) {
}
