package dev.igme.attribution;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.conversation.ConversationTouch;
import dev.igme.link.LinkSettings;
import dev.igme.link.LinkStore;
import dev.igme.link.StoredLink;
import dev.igme.platform.BatchRetry;
import dev.igme.platform.LogContext;
import dev.igme.platform.Sql;
import dev.igme.platform.Tracing;
import dev.igme.webhook.RawDelivery;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Consumes {@code instagram.webhook.raw} in batches. For each batch: normalize every delivery,
 * write all attributions and conversation clocks in one transaction, publish the attribution
 * events and dead letters, and only then let the batch's offsets be committed (the returned
 * {@link Uni} acknowledges the batch). A crash anywhere in between redelivers the batch, which is
 * harmless: rows are idempotent and event ids stable.
 *
 * <p>When the database or broker is unreachable the batch is retried with backoff, forever: the
 * consumer pauses, it never skips. When the database refuses the data itself (a value it cannot
 * store), the batch is written delivery by delivery and the refused deliveries are dead-lettered,
 * so one bad record never stalls the stream.
 */
@ApplicationScoped
public class NormalizerConsumer {

    /** Consuming end of the raw topic. */
    public static final String CHANNEL = "webhook-raw-in";

    private final ReferralNormalizer normalizer;
    private final AttributionStore store;
    private final NormalizerOutput output;
    private final LinkStore links;
    private final Event<AccountTraffic> traffic;
    private final Tracing tracing;

    public NormalizerConsumer(ObjectMapper mapper, LinkSettings settings, AttributionStore store,
            NormalizerOutput output, LinkStore links, Event<AccountTraffic> traffic, Tracing tracing) {
        this.tracing = tracing;
        this.normalizer = new ReferralNormalizer(mapper, settings.codec());
        this.store = store;
        this.output = output;
        this.links = links;
        this.traffic = traffic;
    }

    /** One raw record and what it contained. */
    record Delivery(ConsumerRecord<String, byte[]> record, String deliveryId, Instant receivedAt,
            ReferralNormalizer.Result result) {

        String origin() {
            return record.topic() + "/" + record.partition() + "/" + record.offset();
        }

        Delivery withAttributions(List<AttributionEvent> events) {
            return new Delivery(record, deliveryId, receivedAt, result.withAttributions(events));
        }

        NormalizerOutput.DeadLetter deadLetter(String reason) {
            return new NormalizerOutput.DeadLetter(deliveryId, record.value(), record.headers(), reason, "delivery", origin());
        }
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        // tracing on: one span per delivery, in the delivery's trace, from here until its batch is done
        Map<ConsumerRecord<String, byte[]>, Span> spans = tracing.enabled() ? processSpans(records) : null;
        // Parsing a batch (up to 16 MiB of JSON) is CPU work: off the event loop, once per batch.
        Uni<Void> done = Uni.createFrom().item(() -> normalizeAll(records))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(deliveries -> BatchRetry.untilDone(() -> withLinks(deliveries).chain(d -> process(d, spans)),
                        "Batch of " + deliveries.size() + " raw deliveries"));
        return spans == null ? done
                : done.onTermination().invoke((ignored, failure, cancelled) -> spans.values().forEach(s -> Tracing.end(s, failure)));
    }

    private Map<ConsumerRecord<String, byte[]>, Span> processSpans(ConsumerRecords<String, byte[]> records) {
        Map<ConsumerRecord<String, byte[]>, Span> spans = new IdentityHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Span span = tracing.process(record.topic(), record.headers());
            String deliveryId = RawDelivery.header(record, RawDelivery.Headers.DELIVERY_ID);
            if (deliveryId != null) {
                span.setAttribute("igme.delivery_id", deliveryId);
            }
            spans.put(record, span);
        }
        return spans;
    }

    /** Each delivery's trace, by delivery id, for the events it yields; empty when tracing is off. */
    private static Map<String, Context> traces(List<Delivery> deliveries, Map<ConsumerRecord<String, byte[]>, Span> spans) {
        if (spans == null) {
            return Map.of();
        }
        Map<String, Context> traces = new HashMap<>();
        for (Delivery delivery : deliveries) {
            Span span = spans.get(delivery.record());
            if (span != null) {
                span.setAttribute("igme.attributions", delivery.result().attributions().size());
                span.addEvent("transaction committed");
                traces.put(delivery.deliveryId(), Context.root().with(span));
            }
        }
        return traces;
    }

    /** Adds each verified ref's campaign and channel, with one query for the whole batch. */
    private Uni<List<Delivery>> withLinks(List<Delivery> deliveries) {
        Set<String> ids = deliveries.stream().flatMap(d -> d.result().attributions().stream())
                .map(AttributionEvent::linkId).filter(Objects::nonNull).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return Uni.createFrom().item(deliveries);
        }
        return links.linksById(ids).map(byId -> deliveries.stream().map(d -> d.withAttributions(
                d.result().attributions().stream().map(e -> {
                    StoredLink link = e.linkId() == null ? null : byId.get(e.linkId());
                    return link == null ? e : e.withLink(link.campaignId(), link.channel().json());
                }).toList())).toList());
    }

    private List<Delivery> normalizeAll(ConsumerRecords<String, byte[]> records) {
        List<Delivery> deliveries = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            deliveries.add(normalize(record));
        }
        return deliveries;
    }

    Delivery normalize(ConsumerRecord<String, byte[]> record) {
        String deliveryId = RawDelivery.header(record, RawDelivery.Headers.DELIVERY_ID);
        if (deliveryId == null) {
            deliveryId = record.topic() + "-" + record.partition() + "-" + record.offset();
        }
        Instant receivedAt = Instant.ofEpochMilli(record.timestamp());
        String receivedHeader = RawDelivery.header(record, RawDelivery.Headers.RECEIVED_AT);
        if (receivedHeader != null) {
            try {
                receivedAt = Instant.parse(receivedHeader);
            } catch (DateTimeParseException ignored) {
                // keep the record timestamp, which the ingress sets to the same instant
            }
        }
        byte[] body = record.value() == null ? new byte[0] : record.value();
        return new Delivery(record, deliveryId, receivedAt, normalizer.normalize(body, deliveryId, receivedAt));
    }

    private Uni<Void> process(List<Delivery> deliveries, Map<ConsumerRecord<String, byte[]>, Span> spans) {
        List<Delivery> readable = deliveries.stream().filter(d -> d.result().readable()).toList();
        return store.write(attributions(readable), touches(readable))
                .map(ignored -> Map.<Delivery, String>of())
                .onFailure(Sql::isDataError).recoverWithUni(failure -> {
                    Log.warnf("Database refused a batch of %d deliveries (%s); writing them one by one",
                            readable.size(), failure.getMessage());
                    return writeOneByOne(readable);
                })
                .chain(refused -> {
                    List<AttributionEvent> events = events(deliveries, refused);
                    List<NormalizerOutput.DeadLetter> letters = deadLetters(deliveries, refused);
                    return output.publish(events, letters, traces(deliveries, spans)).invoke(() -> {
                        count(deliveries, events, letters);
                        traffic.fire(traffic(deliveries, refused));
                        if (Log.isDebugEnabled()) {
                            logEach(deliveries, refused);
                        }
                    });
                });
    }

    /** One line per delivery, with its id (and its attributions' ids) in the MDC. */
    private static void logEach(List<Delivery> deliveries, Map<Delivery, String> refused) {
        for (Delivery delivery : deliveries) {
            ReferralNormalizer.Result result = delivery.result();
            String attributionIds = result.attributions().isEmpty() ? null
                    : result.attributions().stream().map(AttributionEvent::attributionId).collect(Collectors.joining(","));
            LogContext.with(delivery.deliveryId(), attributionIds, () -> Log.debugf(
                    "Delivery %s normalized: %d attribution(s), %d conversation touch(es), %s", delivery.origin(),
                    result.attributions().size(), result.touches().size(),
                    !result.readable() || refused.containsKey(delivery) ? "dead-lettered whole"
                            : result.rejections().size() + " item(s) dead-lettered"));
        }
    }

    /** Per account, the arrival of its latest delivery and latest referral in this batch: a few map updates per delivery. */
    private static AccountTraffic traffic(List<Delivery> deliveries, Map<Delivery, String> refused) {
        Map<String, Instant> lastDelivery = new HashMap<>();
        Map<String, Instant> lastReferral = new HashMap<>();
        for (Delivery delivery : deliveries) {
            if (!delivery.result().readable() || refused.containsKey(delivery)) {
                continue;
            }
            for (ConversationTouch touch : delivery.result().touches()) {
                lastDelivery.merge(touch.igAccountId(), delivery.receivedAt(), NormalizerConsumer::later);
            }
            for (AttributionEvent event : delivery.result().attributions()) {
                if (!event.test()) {
                    lastDelivery.merge(event.igAccountId(), delivery.receivedAt(), NormalizerConsumer::later);
                    lastReferral.merge(event.igAccountId(), delivery.receivedAt(), NormalizerConsumer::later);
                }
            }
        }
        return new AccountTraffic(lastDelivery, lastReferral);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Counts per batch: one registry lookup per (scenario, source) seen, not one per item. */
    private static void count(List<Delivery> deliveries, List<AttributionEvent> events,
            List<NormalizerOutput.DeadLetter> letters) {
        Metrics.counter("igme.normalizer.deliveries").increment(deliveries.size());
        events.stream()
                .collect(Collectors.groupingBy(e -> List.of(e.scenario().name(), e.sourceCategory().name()),
                        Collectors.counting()))
                .forEach((tags, n) -> Metrics.counter("igme.normalizer.attributions", "scenario", tags.get(0),
                        "source_category", tags.get(1)).increment(n));
        letters.stream()
                .collect(Collectors.groupingBy(l -> "delivery".equals(l.path()) ? "delivery" : "item",
                        Collectors.counting()))
                .forEach((kind, n) -> Metrics.counter("igme.normalizer.dead_letters", "kind", kind).increment(n));
    }

    /** Writes each delivery in its own transaction; returns the ones the database refused, with why. */
    private Uni<Map<Delivery, String>> writeOneByOne(List<Delivery> deliveries) {
        Map<Delivery, String> refused = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Delivery delivery : deliveries) {
            chain = chain.chain(() -> store.write(delivery.result().attributions(), delivery.result().touches())
                    .onFailure(Sql::isDataError).recoverWithItem(failure -> {
                        refused.put(delivery, "database refused the delivery: " + failure.getMessage());
                        return null;
                    }));
        }
        return chain.map(ignored -> refused);
    }

    private static List<AttributionEvent> attributions(List<Delivery> deliveries) {
        return deliveries.stream().flatMap(d -> d.result().attributions().stream()).toList();
    }

    private static List<ConversationTouch> touches(List<Delivery> deliveries) {
        return deliveries.stream().flatMap(d -> d.result().touches().stream()).toList();
    }

    private static List<AttributionEvent> events(List<Delivery> deliveries, Map<Delivery, String> refused) {
        return deliveries.stream()
                .filter(d -> d.result().readable() && !refused.containsKey(d))
                .flatMap(d -> d.result().attributions().stream())
                .toList();
    }

    private static List<NormalizerOutput.DeadLetter> deadLetters(List<Delivery> deliveries, Map<Delivery, String> refused) {
        List<NormalizerOutput.DeadLetter> letters = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            ReferralNormalizer.Result result = delivery.result();
            int before = letters.size();
            if (!result.readable()) {
                letters.add(delivery.deadLetter(result.deliveryError()));
            } else if (refused.containsKey(delivery)) {
                letters.add(delivery.deadLetter(refused.get(delivery)));
            } else {
                for (ReferralNormalizer.Rejection rejection : result.rejections()) {
                    letters.add(new NormalizerOutput.DeadLetter(delivery.deliveryId(), rejection.item(),
                            delivery.record().headers(), rejection.reason(), rejection.path(), delivery.origin()));
                }
            }
            if (letters.size() > before) { // one line per delivery, with its id in the MDC and the first reason
                NormalizerOutput.DeadLetter first = letters.get(before);
                int count = letters.size() - before;
                LogContext.with(delivery.deliveryId(), null, () -> Log.infof("%d dead letter(s) from delivery %s (%s): %s",
                        count, delivery.origin(), first.path(), first.reason()));
            }
        }
        return letters;
    }

}
