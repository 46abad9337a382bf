package dev.igme.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.MDC;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * The webhook's hot path, apart from HTTP: for a POST, the signature check, the bound on bytes
 * waiting for the broker, and the acknowledged write to the raw topic raced against the ack
 * timer. Created at startup so that missing credentials ({@link WebhookCredentials}) stop the
 * service before it accepts traffic.
 */
@Startup(WebhookIngress.STARTUP_ORDER)
@Singleton
public class WebhookIngress {

    /** Before anything that needs the database or the broker. */
    static final int STARTUP_ORDER = 1;

    /** Time from receiving a signed delivery to the broker's acknowledgement (or giving up). */
    private static final Timer ACK_LATENCY = Timer.builder("igme.webhook.ack")
            .description("Time from a signed POST to the broker's acknowledgement, or to the 503")
            .publishPercentileHistogram().register(Metrics.globalRegistry);

    /** The answer to one POST; {@code deliveryId} is null for a delivery that was refused. */
    public record Outcome(Status status, String deliveryId) {
        public enum Status {
            /** On the raw topic, acknowledged by the broker. */
            STORED,
            /** Missing, malformed or wrong signature: not ours, not stored. */
            BAD_SIGNATURE,
            /** Signed, but the broker did not acknowledge it in time: Meta must retry. */
            NOT_STORED
        }
    }

    /** Null on instances without the ingress role. */
    private final WebhookCredentials credentials;
    private final RawDeliveryPublisher publisher;
    /** Ack timeouts as event-loop timers: no extra thread, and cancelled when the broker answers. */
    private final Vertx timers;
    /** Body bytes handed to the producer and not yet acknowledged or failed. */
    private final AtomicLong pendingBytes = new AtomicLong();
    private final long maxPendingBytes;
    private final long ackTimeoutMillis;
    private final Clock clock;

    @Inject
    public WebhookIngress(IgmeConfig config, RawDeliveryPublisher publisher, Vertx vertx, Clock clock, Roles roles) {
        // not an ingress instance: the endpoint answers 404 and needs no secrets
        this(config.webhook(), roles.has(Role.INGRESS) ? WebhookCredentials.from(config.webhook()) : null,
                publisher, vertx, clock);
    }

    WebhookIngress(IgmeConfig.Webhook config, WebhookCredentials credentials, RawDeliveryPublisher publisher,
            Vertx vertx, Clock clock) {
        this.credentials = credentials;
        this.publisher = publisher;
        this.timers = vertx;
        this.maxPendingBytes = config.maxPendingSize().asLongValue();
        this.ackTimeoutMillis = config.ackTimeout().toMillis();
        this.clock = clock;
    }

    /** What the webhook answers (404) on an instance without the ingress role. */
    public static final String NOT_AN_INGRESS = "this instance does not have the ingress role";

    /** False on instances without the ingress role. */
    public boolean enabled() {
        return credentials != null;
    }

    /** The verify token and app secrets; only on ingress instances. */
    public WebhookCredentials credentials() {
        return credentials;
    }

    /** One counter per outcome, looked up once: the hot path only increments. */
    private static final Map<Outcome.Status, Counter> DELIVERIES = new EnumMap<>(Outcome.Status.class);

    static {
        for (Outcome.Status status : Outcome.Status.values()) {
            DELIVERIES.put(status, Metrics.counter("igme.webhook.deliveries", "outcome",
                    status.name().toLowerCase(Locale.ROOT)));
        }
    }

    private static void count(Outcome outcome) {
        DELIVERIES.get(outcome.status()).increment();
    }

    /**
     * @param signatureHeaders every {@code X-Hub-Signature-256} value of the request; exactly one
     *        is allowed
     * @return completes, never exceptionally, with the outcome to answer: {@code STORED} only
     *         after the broker's acknowledgement, {@code NOT_STORED} when it refused or did not
     *         acknowledge within {@code igme.webhook.ack-timeout}
     */
    public CompletionStage<Outcome> receive(List<String> signatureHeaders, byte[] body) {
        String signature = signatureHeaders != null && signatureHeaders.size() == 1 ? signatureHeaders.get(0) : null;
        if (!credentials.verify(signature, body)) {
            Log.debugf("Refused a delivery of %d bytes: %s", body.length, signature == null
                    ? "no single X-Hub-Signature-256 header" : "X-Hub-Signature-256 matches no configured app secret");
            Outcome refused = new Outcome(Outcome.Status.BAD_SIGNATURE, null);
            count(refused);
            return CompletableFuture.completedFuture(refused);
        }
        RawDelivery delivery = new RawDelivery(RawDelivery.newId(), Instant.now(clock), signature, body);
        MDC.put("deliveryId", delivery.deliveryId());
        long start = System.nanoTime();
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        long pending = pendingBytes.addAndGet(body.length);
        if (pending > maxPendingBytes && pending > body.length) { // one delivery alone always gets its chance
            long waiting = pendingBytes.addAndGet(-body.length);
            settle(answer, delivery, start, waiting + " bytes of earlier deliveries are still waiting for the broker"
                    + " (igme.webhook.max-pending-size)");
            return answer;
        }
        // whichever comes first, the broker's answer or the timeout, settles the delivery
        long timer = timers.setTimer(ackTimeoutMillis, fired -> settle(answer, delivery, start,
                "no broker acknowledgement within " + ackTimeoutMillis + " ms"));
        publisher.publish(delivery).whenComplete((stored, failure) -> {
            pendingBytes.addAndGet(-body.length);
            timers.cancelTimer(timer);
            settle(answer, delivery, start, failure == null ? null : "broker refused the record: " + failure.getMessage());
        });
        return answer;
    }

    /** @param notStoredReason null when the broker acknowledged the delivery */
    private void settle(CompletableFuture<Outcome> answer, RawDelivery delivery, long start, String notStoredReason) {
        Outcome outcome = new Outcome(notStoredReason == null ? Outcome.Status.STORED : Outcome.Status.NOT_STORED,
                delivery.deliveryId());
        if (!answer.complete(outcome)) {
            return; // settled already: the broker answered after the timeout, or the other way round
        }
        ACK_LATENCY.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        count(outcome);
        if (notStoredReason != null) {
            Log.warnf("Delivery %s (%d bytes) not stored, answering 503 so Meta retries: %s",
                    delivery.deliveryId(), delivery.body().length, notStoredReason);
        } else if (Log.isDebugEnabled()) { // the hot path: no boxing or varargs unless asked for
            Log.debugf("Delivery %s of %d bytes stored", delivery.deliveryId(), delivery.body().length);
        }
    }
}
