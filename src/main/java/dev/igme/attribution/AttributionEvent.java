package dev.igme.attribution;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.igme.link.ref.RefStatus;

/**
 * One referral, as published on {@code instagram.attributions} (schema version 1, described by
 * {@code schemas/attribution-event-v1.schema.json}). Absent values are {@code null}, never
 * omitted. The same item always yields the same {@link #attributionId}, so consumers can
 * deduplicate an event that is published again.
 *
 * <p>What the ref said (added within version 1): {@code refStatus} (null when the item has no
 * ref); {@code linkId} and {@code clickId} of a ref whose signature verified ({@code VERIFIED} or
 * {@code EXPIRED}); {@code campaign} and {@code channel} of that link; {@code externalId} of a
 * {@code VERIFIED} personal ref, which binds the user to that id for the account.
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
        boolean test,
        String linkId,
        String campaign,
        String channel,
        String externalId,
        String clickId,
        RefStatus refStatus) {

    public static final int SCHEMA_VERSION = 1;

    /** The same event with the link's campaign and channel, looked up by {@link #linkId}. */
    public AttributionEvent withLink(String campaignId, String channelName) {
        return new AttributionEvent(schemaVersion, attributionId, scenario, newThread, igAccountId, igsid, ref, refValid,
                source, sourceCategory, type, messageId, postbackTitle, postbackPayload, adId, adsContext, productId,
                occurredAt, receivedAt, deliveryId, standby, test, linkId, campaignId, channelName, externalId, clickId,
                refStatus);
    }

    /** The Kafka key: all events of one conversation share a partition. */
    public String key() {
        return igAccountId + ":" + igsid;
    }
}
