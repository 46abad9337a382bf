package dev.igme.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the Graph API on this machine, for the local run: the Send API accepts every
 * message and prints who it went to and what it said; the account doctor's reads get answers of a
 * healthy account. The dev profile points {@code igme.graph.*-url} at it.
 */
final class SendApiStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicLong sent = new AtomicLong();
    private final String username;

    SendApiStandIn(int port, String username, Consumer<String> log) throws IOException {
        this.username = username;
        server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-send-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(exchange, log);
            } catch (RuntimeException e) {
                log.accept("Send API stand-in: could not answer " + exchange.getRequestURI() + ": " + e);
            }
        });
    }

    /** The ice breakers the service set (POST /me/messenger_profile), none at first. */
    private volatile String iceBreakers = "[]";

    SendApiStandIn start() {
        server.start();
        return this;
    }

    private void answer(HttpExchange exchange, Consumer<String> log) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String answer;
        if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/messages")) {
            JsonNode message = JSON.readTree(body);
            String recipient = message.path("recipient").path("id").asText();
            String text = message.path("message").path("text").asText();
            String id = "local-mid-" + sent.incrementAndGet();
            log.accept("Send API: reply to " + recipient + ": \"" + text + "\" (message id " + id + ")");
            answer = JSON.createObjectNode().put("recipient_id", recipient).put("message_id", id).toString();
        } else if (path.endsWith("/messenger_profile")) {
            // the account's ice breakers: what the service last set, as Meta keeps them
            if ("POST".equals(exchange.getRequestMethod())) {
                JsonNode profile = JSON.readTree(body);
                iceBreakers = profile.path("ice_breakers").toString();
                log.accept("Graph API: ice breakers set: " + iceBreakers);
                answer = "{\"result\":\"success\"}";
            } else {
                answer = "{\"data\":[{\"ice_breakers\":" + iceBreakers + "}]}";
            }
        } else if (path.endsWith("/subscribed_apps")) {
            answer = "{\"data\":[{\"subscribed_fields\":[\"messages\",\"messaging_postbacks\",\"messaging_referral\","
                    + "\"messaging_referrals\"]}],\"success\":true}";
        } else if (path.endsWith("/me") || path.matches(".*/v[0-9.]+/[0-9]+")) {
            answer = "{\"id\":\"17841400000000001\",\"user_id\":\"17841400000000001\",\"username\":\"" + username + "\"}";
        } else {
            answer = "{\"data\":[],\"success\":true}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
