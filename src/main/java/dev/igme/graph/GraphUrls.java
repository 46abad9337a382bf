package dev.igme.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What both Graph API clients need of answers and configured base URLs. */
final class GraphUrls {

    private GraphUrls() {
    }

    /** A configured base URL without its trailing slash. */
    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The answer's JSON, or null when it has none or it is not JSON (Meta's 5xx pages). */
    static JsonNode parseOrNull(ObjectMapper mapper, String body) {
        try {
            return body == null || body.isEmpty() ? null : mapper.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
