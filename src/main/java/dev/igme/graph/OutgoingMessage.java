package dev.igme.graph;

import java.util.List;

/** A text reply with optional quick replies, as the Send API takes it. */
public record OutgoingMessage(String recipientIgsid, String text, List<QuickReply> quickReplies) {
}
