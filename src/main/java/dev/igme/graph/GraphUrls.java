package dev.igme.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import io.vertx.ext.web.client.WebClientOptions;

/** What both Graph API clients need: their HTTP client's options, answers parsed, base URLs trimmed. */
final class GraphUrls {

    private GraphUrls() {
    }

    /** Options of a Graph API client: the configured connect timeout, no redirects, {@code connections} at most. */
    static WebClientOptions clientOptions(IgmeConfig.Graph config, int connections) {
        return new WebClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setUserAgent("igme-attribution")
                .setFollowRedirects(false)
                .setMaxPoolSize(connections);
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
