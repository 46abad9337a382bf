package dev.igme.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.attribution.NormalizerConsumer;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.platform.LogContext;
import dev.igme.reply.outbox.ReplyDispatcher;
import dev.igme.reply.outbox.ReplyProcessor;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDeliveryPublisher;
import dev.igme.webhook.WebhookRoute;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * One delivery can be followed end to end: with tracing switched on, the webhook POST, the raw
 * topic, the normalizer, the attribution topic, the replier and the Send API call are one trace; and
 * the normalizer's and the replier's log lines carry the delivery's and the attribution's ids (MDC).
 */
@QuarkusTest
@TestProfile(TraceAndLogContextTest.Tracing.class)
class TraceAndLogContextTest {

    /** Tracing on, as an operator switches it on; spans handed to the exporter without the 5 s batching delay. */
    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms",
                    // no collector in the tests: the OTLP exporter's endpoint is a closed local port
                    "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9");
        }
    }

    private static final String ACCOUNT = "17841400000000001";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("igme.delivery_id");

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Pool pool;

    /** A log line as a handler sees it: where from, its ids in the MDC, the text. */
    record Line(String category, String deliveryId, String attributionId, String message) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) { // the MDC as it was when the line was logged
                lines.add(new Line(record.getLoggerName(), ext.getMdc(LogContext.DELIVERY_ID),
                        ext.getMdc(LogContext.ATTRIBUTION_ID), ext.getFormattedMessage()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static final List<Class<?>> DEBUGGED = List.of(NormalizerConsumer.class, ReplyProcessor.class, ReplyDispatcher.class);

    private String user;
    private String ref;

    @BeforeEach
    void oneConversationAndItsRule() {
        Logger.getLogger("").addHandler(capture);
        DEBUGGED.forEach(c -> Logger.getLogger(c.getName()).setLevel(Level.FINE));
        Webhook.awaitStored(); // the producer is connected: the delivery below is not the first one
        user = Deliveries.newUser();
        String prefix = "tr-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ref = prefix + "pack";
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},"
                        + "\"message\":{\"text\":\"hi\"}}")
                .when().post("/api/v1/reply-rules").then().statusCode(201);
        graph.stubFor(post(urlMatching("/ig/.*")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(user)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"recipient_id\":\"" + user + "\",\"message_id\":\"m_" + user + "\"}")));
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        DEBUGGED.forEach(c -> Logger.getLogger(c.getName()).setLevel(null));
    }

    /** Posts a referral that gets a reply; returns its delivery id once the reply was sent. */
    private String deliverAndAwaitTheReply() {
        String item = "{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + Instant.now().minusSeconds(60).toEpochMilli()
                + ",\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}";
        String deliveryId = Webhook.postSigned(Deliveries.envelope(item)).then().statusCode(200)
                .extract().header(WebhookRoute.DELIVERY_ID_HEADER);
        assertNotNull(deliveryId);
        // ignoreExceptions: a read of the reply table may time out on a loaded machine; the next one is asked
        await().atMost(WAIT).ignoreExceptions().until(() -> "SENT".equals(reply().get("status")));
        return deliveryId;
    }

    private Map<String, Object> reply() {
        List<Map<String, Object>> rows = Db.rows(pool, "SELECT status, attribution_id FROM reply WHERE ref = $1", ref);
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    @Test
    void oneDeliveryIsOneTraceFromTheWebhookPostToTheSendApiCall() {
        String deliveryId = deliverAndAwaitTheReply();

        await().atMost(WAIT).untilAsserted(() -> assertTrue(find(SpanKind.PRODUCER, "send " + RawDeliveryPublisher.TOPIC,
                deliveryId, null).isPresent(), "the raw record's send span, among " + all()));
        SpanData rawSend = find(SpanKind.PRODUCER, "send " + RawDeliveryPublisher.TOPIC, deliveryId, null).orElseThrow();
        String trace = rawSend.getTraceId();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(find(SpanKind.CLIENT, ReplyDispatcher.SEND_SPAN, null, trace)
                .isPresent(), "the Send API call's span in the trace, among " + all()));
        SpanData sendApi = find(SpanKind.CLIENT, ReplyDispatcher.SEND_SPAN, null, trace).orElseThrow();

        SpanData post = find(SpanKind.SERVER, null, null, trace).orElseThrow(
                () -> new AssertionError("the webhook POST's server span is in the trace: " + names(trace)));
        SpanData normalizer = find(SpanKind.CONSUMER, "process " + RawDeliveryPublisher.TOPIC, deliveryId, trace)
                .orElseThrow(() -> new AssertionError("the normalizer's span is in the trace: " + names(trace)));
        SpanData attributionSend = find(SpanKind.PRODUCER, "send " + NormalizerOutput.ATTRIBUTIONS_TOPIC, deliveryId, trace)
                .orElseThrow(() -> new AssertionError("the attribution event's send is in the trace: " + names(trace)));
        SpanData replier = find(SpanKind.CONSUMER, "process " + NormalizerOutput.ATTRIBUTIONS_TOPIC, deliveryId, trace)
                .orElseThrow(() -> new AssertionError("the replier's span is in the trace: " + names(trace)));

        // one chain, each step the child of the one before it
        assertEquals(post.getSpanId(), rawSend.getParentSpanId(), "the raw record is sent under the POST");
        assertEquals(rawSend.getSpanId(), normalizer.getParentSpanId(), "the normalizer continues from the raw record's headers");
        assertEquals(normalizer.getSpanId(), attributionSend.getParentSpanId());
        assertEquals(attributionSend.getSpanId(), replier.getParentSpanId(), "the replier continues from the event's headers");
        assertEquals(replier.getSpanId(), sendApi.getParentSpanId(), "the Send API call continues from the stored decision");
        String attributionId = await().atMost(WAIT).ignoreExceptions().until(() -> (String) reply().get("attribution_id"),
                java.util.Objects::nonNull);
        assertEquals(attributionId, sendApi.getAttributes().get(AttributeKey.stringKey("igme.attribution_id")));
        assertEquals("sent", sendApi.getAttributes().get(AttributeKey.stringKey("igme.outcome")));
    }

    @Test
    void theNormalizersAndTheRepliersLogLinesCarryTheDeliveryAndAttributionIds() {
        String deliveryId = deliverAndAwaitTheReply();
        String attributionId = await().atMost(WAIT).ignoreExceptions().until(() -> (String) reply().get("attribution_id"),
                java.util.Objects::nonNull);
        assertNotNull(attributionId);

        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(lines.stream().anyMatch(l -> l.category().equals(NormalizerConsumer.class.getName())
                    && deliveryId.equals(l.deliveryId()) && attributionId.equals(l.attributionId())),
                    "a normalizer line with the delivery's and the attribution's ids: " + linesAbout(deliveryId));
            assertTrue(lines.stream().anyMatch(l -> l.category().equals(ReplyProcessor.class.getName())
                    && deliveryId.equals(l.deliveryId()) && attributionId.equals(l.attributionId())),
                    "a replier decision line with both ids: " + linesAbout(deliveryId));
            assertTrue(lines.stream().anyMatch(l -> l.category().equals(ReplyDispatcher.class.getName())
                    && deliveryId.equals(l.deliveryId()) && attributionId.equals(l.attributionId())
                    && l.message().contains("sent as m_" + user)),
                    "the dispatcher's line about the sent reply with both ids: " + linesAbout(deliveryId));
        });
        // the ids belong to their lines only: a later line on the same threads does not inherit them
        assertTrue(lines.stream().filter(l -> l.message().contains("Scheduled") || l.message().contains("Reply dispatch"))
                .noneMatch(l -> deliveryId.equals(l.deliveryId())));
    }

    private List<Line> linesAbout(String deliveryId) {
        return lines.stream().filter(l -> l.category().startsWith("dev.igme")).limit(40).toList();
    }

    /** A finished span of this kind (and name, delivery, trace, where given). */
    private Optional<SpanData> find(SpanKind kind, String name, String deliveryId, String trace) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind)
                .filter(s -> name == null || name.equals(s.getName()))
                .filter(s -> deliveryId == null || deliveryId.equals(s.getAttributes().get(DELIVERY_ID)))
                .filter(s -> trace == null || trace.equals(s.getTraceId()))
                .findFirst();
    }

    private List<String> all() {
        return spans.getFinishedSpanItems().stream().limit(30).map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes()).toList();
    }

    private List<String> names(String trace) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(trace))
                .map(s -> s.getKind() + " " + s.getName()).toList();
    }
}
