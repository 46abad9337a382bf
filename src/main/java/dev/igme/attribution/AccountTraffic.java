package dev.igme.attribution;

import java.time.Instant;
import java.util.Map;

/**
 * What one normalized batch says about the accounts it was for: per IG account id, when the
 * latest delivery with an item for it arrived, and the latest one with a referral (App Dashboard
 * test deliveries left out). Fired as a CDI event after the batch is stored and published, so
 * that whoever watches for silent accounts learns of it without the normalizer knowing them.
 */
public record AccountTraffic(Map<String, Instant> lastDelivery, Map<String, Instant> lastReferral) {
}
