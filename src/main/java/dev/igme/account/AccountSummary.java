package dev.igme.account;

import java.time.Instant;

import dev.igme.account.doctor.Finding;

/**
 * One account in {@code GET /api/v1/accounts}: what it is, and the latest doctor check (null
 * values until the first check). Never a token.
 */
public record AccountSummary(String id, String flavour, String pageId, boolean paused, String username,
        Instant checkedAt, Finding.Severity worst, Instant lastDeliveryAt, Instant lastReferralAt, boolean silent,
        Instant tokenExpiresAt) {
}
