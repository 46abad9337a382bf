package dev.igme.graph;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.igme.config.IgmeConfig;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Calls the Send API for either flavour of account and turns every outcome, including network
 * failures, into a {@link SendResult}: the returned {@link Uni} never fails. Tokens travel only in
 * the Authorization header, never in a URL or a log line.
 *
 * <p>Uses the Vert.x web client rather than a REST-client interface: the replier needs the raw
 * status and error body of every answer, and to tell a connection that was never made (safe to
 * retry) from one that timed out after the request left (maybe delivered).
 */
@ApplicationScoped
public class GraphClient {

    private final WebClient client;
    private final IgmeConfig.Graph config;
    private final ObjectMapper mapper;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    /** Each account's messages URL, parsed once: accounts are fixed at startup. */
    private final Map<String, URI> urls = new ConcurrentHashMap<>();

    public GraphClient(Vertx vertx, IgmeConfig config, ObjectMapper mapper) {
        this.config = config.graph();
        this.mapper = mapper;
        // as many connections as calls in flight: a reply marked SENDING is on the wire, not queued here
        this.client = WebClient.create(vertx, GraphUrls.clientOptions(this.config, config.reply().maxCallsInFlight()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The URL a message for this account is posted to. */
    public String messagesUrl(Account account) {
        String base = account.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE ? config.facebookUrl() : config.instagramUrl();
        String id = account.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE ? account.pageId() : account.igAccountId();
        return GraphUrls.stripSlash(base) + "/" + config.version() + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/messages";
    }

    public Uni<SendResult> send(Account account, OutgoingMessage message) {
        URI url = urls.computeIfAbsent(account.igAccountId(), id -> URI.create(messagesUrl(account)));
        int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        long start = System.nanoTime();
        return client.post(port, url.getHost(), url.getRawPath())
                .ssl("https".equals(url.getScheme()))
                .timeout(config.requestTimeout().toMillis())
                .putHeader("Authorization", "Bearer " + account.accessToken())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body(message)))
                .map(this::result)
                .onFailure().recoverWithItem(GraphClient::networkFailure)
                .invoke(result -> timer(account.flavour(), result.isSent() ? "sent" : result.error().kind().name())
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    private SendResult result(HttpResponse<Buffer> response) {
        JsonNode json = GraphUrls.parseOrNull(mapper, response.bodyAsString());
        if (response.statusCode() / 100 == 2 && json != null && json.hasNonNull("message_id")) {
            return SendResult.sent(json.get("message_id").asText());
        }
        if (response.statusCode() / 100 == 2) {
            return SendResult.failed(new GraphError(GraphError.Kind.AMBIGUOUS, response.statusCode(), null, null,
                    "2xx answer without a message_id"));
        }
        return SendResult.failed(GraphError.classify(response.statusCode(), json));
    }

    static SendResult networkFailure(Throwable failure) {
        // Never connected: the request did not leave, a retry cannot duplicate.
        if (failure instanceof ConnectException || failure instanceof ConnectTimeoutException
                || failure instanceof UnknownHostException || failure.getCause() instanceof ConnectException) {
            return SendResult.failed(GraphError.local(GraphError.Kind.TEMPORARY, "could not connect: " + failure.getMessage()));
        }
        // Sent, then no answer (timeout, connection closed): Meta may have delivered it.
        if (failure instanceof TimeoutException || failure instanceof HttpClosedException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return SendResult.failed(GraphError.local(GraphError.Kind.AMBIGUOUS, "no answer: " + failure.getMessage()));
        }
        return SendResult.failed(GraphError.local(GraphError.Kind.AMBIGUOUS, failure.getClass().getSimpleName()
                + ": " + failure.getMessage()));
    }

    /** Built once per (flavour, outcome): a call only records. */
    private Timer timer(IgmeConfig.Account.Flavour flavour, String outcome) {
        return timers.computeIfAbsent(flavour + "/" + outcome, key -> Timer.builder("igme.graph.send")
                .description("Send API calls by outcome (sent, or the error class)")
                .tag("flavour", flavour.name())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(Metrics.globalRegistry));
    }

    private byte[] body(OutgoingMessage message) {
        ObjectNode root = mapper.createObjectNode();
        root.putObject("recipient").put("id", message.recipientIgsid());
        ObjectNode content = root.putObject("message");
        content.put("text", message.text());
        if (!message.quickReplies().isEmpty()) {
            ArrayNode replies = content.putArray("quick_replies");
            for (QuickReply reply : message.quickReplies()) {
                replies.addObject().put("content_type", "text").put("title", reply.title()).put("payload", reply.payload());
            }
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

}
