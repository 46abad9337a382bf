package dev.igme.attribution;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One referral, as published on {@code instagram.attributions} (schema version 1, described by
 * {@code docs/schemas/attribution-event-v1.schema.json}). Absent values are {@code null}, never
 * omitted. The same item always yields the same {@link #attributionId}, so consumers can
 * deduplicate an event that is published again.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AttributionEvent(
        int schemaVersion,
        String attributionId,
        Scenario scenario,
        boolean newThread,
        String igAccountId,
        String igsid,
        String ref,
        boolean refValid,
        String source,
        SourceCategory sourceCategory,
        String type,
        String messageId,
        String postbackTitle,
        String postbackPayload,
        String adId,
        JsonNode adsContext,
        String productId,
        Instant occurredAt,
        Instant receivedAt,
        String deliveryId,
        boolean standby,
        boolean test) {

    public static final int SCHEMA_VERSION = 1;

    /** The Kafka key: all events of one conversation share a partition. */
    public String key() {
        return igAccountId + ":" + igsid;
    }
}
