package dev.igme.graph;

/** The Send API's answer: a message id, or a classified error. */
public record SendResult(String messageId, GraphError error) {

    public static SendResult sent(String messageId) {
        return new SendResult(messageId, null);
    }

    public static SendResult failed(GraphError error) {
        return new SendResult(null, error);
    }

    public boolean isSent() {
        return error == null;
    }
}
