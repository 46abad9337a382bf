package dev.igme.graph;

import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * A quick reply button: the one shape from a reply rule's message through the outbox row to the
 * Send API body ({@code {"content_type":"text","title":..,"payload":..}}, written by {@link GraphClient}).
 */
public record QuickReply(String title, String payload) {

    /** For reading a stored JSON list of quick replies. */
    public static final TypeReference<List<QuickReply>> LIST = new TypeReference<>() { };
}
