package dev.igme.link.redirect;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One visit of the tracked redirect, as published on {@code instagram.link.clicks} (key: the link
 * id; schema version 1). {@code bot} names the link-preview bot for visits that are not clicks
 * (null for people). No address or full User-Agent is ever kept.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClickEvent(int schemaVersion, String clickId, String linkId, String campaignId, String igAccountId,
        String channel, Instant at, String device, String bot) {

    public static final int SCHEMA_VERSION = 1;
}
