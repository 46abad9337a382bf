package dev.igme.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a newcomer finds in the local run: the demo account's campaign {@code demo}, its link
 * "Demo box" and a rule that answers the link's referrals, made through the API as anyone would
 * (again on each start: what exists already is kept). The link's ref goes to
 * {@code target/local-stack/demo-ref} for the README's sample delivery.
 */
final class DemoSetup {

    static final String CAMPAIGN = "demo";
    static final String RULE = "demo-welcome";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;
    private final Consumer<String> log;

    DemoSetup(String base, String token, Consumer<String> log) {
        this.base = base;
        this.token = token;
        this.log = log;
    }

    /** Waits until the service is ready (at most two minutes); false when it did not get there. */
    boolean awaitReady(Process service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && service.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Creates what is missing and returns the demo link's ref. */
    String run(String account, Path refFile) throws IOException, InterruptedException {
        HttpResponse<String> campaign = send("POST", "/api/v1/campaigns", JSON.createObjectNode().put("id", CAMPAIGN)
                .put("name", "Demo campaign").put("igAccountId", account)
                .put("description", "Made by the local run (./mvnw -Plocal)").toString());
        expect(campaign, 201, 409);
        JsonNode links = JSON.readTree(expect(send("GET", "/api/v1/links?campaign=" + CAMPAIGN, null), 200).body())
                .path("items");
        JsonNode link = links.size() > 0 ? links.get(0) : JSON.readTree(expect(send("POST", "/api/v1/links",
                JSON.createObjectNode().put("campaignId", CAMPAIGN).put("channel", "packaging").put("label", "Demo box")
                        .toString()), 201).body());
        var rule = JSON.createObjectNode().put("name", RULE).put("cooldownSeconds", 0)
                .set("campaigns", JSON.createArrayNode().add(CAMPAIGN));
        ((com.fasterxml.jackson.databind.node.ObjectNode) rule).set("message", JSON.createObjectNode()
                .put("text", "Hi! Thanks for scanning the demo box ({channel} of campaign {campaign}). This reply was sent by igme."));
        expect(send("POST", "/api/v1/reply-rules", rule.toString()), 201, 409);
        // Ice breakers, as a real account needs them (without them new threads carry no ref); the
        // service sets them at the Graph API stand-in, and the account check finds them there.
        expect(send("PUT", "/api/v1/accounts/" + account + "/ice-breakers", "{\"locales\":[{\"locale\":\"default\","
                + "\"questions\":[{\"question\":\"What is in the demo box?\",\"payload\":\"DEMO_BOX\"}]}]}"), 200, 204);
        String ref = link.path("ref").asText();
        Files.writeString(refFile, ref);
        log.accept("demo: campaign '" + CAMPAIGN + "', link '" + link.path("label").asText() + "' (" + link.path("id").asText()
                + "), rule '" + RULE + "' answering its referrals; its ref is in " + refFile);
        log.accept("demo link: " + link.path("igMeUrl").asText() + " (tracked: " + link.path("trackedUrl").asText() + ")");
        return ref;
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(HttpResponse<String> answer, int... statuses) {
        for (int status : statuses) {
            if (answer.statusCode() == status) {
                return answer;
            }
        }
        throw new IllegalStateException(answer.request().method() + " " + answer.request().uri() + " answered "
                + answer.statusCode() + ": " + answer.body());
    }
}
