package dev.igme.graph;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer of a Graph API call other than a send: the JSON body of a 2xx answer, or a
 * classified error (HTTP error, Meta error, network failure). Never carries the token.
 */
public record GraphAnswer(JsonNode body, GraphError error) {

    public static GraphAnswer ok(JsonNode body) {
        return new GraphAnswer(body, null);
    }

    public static GraphAnswer failed(GraphError error) {
        return new GraphAnswer(null, error);
    }

    public boolean isOk() {
        return error == null;
    }
}
