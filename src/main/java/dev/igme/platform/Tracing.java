package dev.igme.platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The pipeline's own spans, one trace per delivery: the webhook POST (Quarkus' HTTP server span),
 * the write to {@code instagram.webhook.raw}, the normalizer's processing of that delivery (its
 * transaction and the write of its events), each attribution's processing on the replier, and the
 * Send API call. The context travels in Kafka record headers ({@code traceparent}, W3C) between
 * roles, and in the reply row between the replier's decision and the dispatcher's call.
 *
 * <p>Off by default ({@code quarkus.otel.sdk.disabled=true}): then {@link #enabled()} is false and
 * every caller skips its tracing work with one branch, no span, header or allocation on the hot path.
 */
@Singleton
public class Tracing {

    /** The W3C trace context header, on Kafka records as on HTTP. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapSetter<Headers> KAFKA_SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> KAFKA_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header header : headers) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public Tracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this.enabled = !sdkDisabled;
        this.tracer = openTelemetry.getTracer("igme-attribution");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** False unless tracing was switched on: callers skip all their tracing work. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Starts the span of sending one record to {@code topic}, as a child of {@code parent}, and
     * writes its context into the record's {@code headers}. End it when the broker answered.
     */
    public Span send(String topic, Context parent, Headers headers) {
        Span span = messaging("send " + topic, SpanKind.PRODUCER, topic, parent);
        propagator.inject(parent.with(span), headers, KAFKA_SETTER);
        return span;
    }

    /** The context a record's producer wrote into its headers; the root context when it wrote none. */
    public Context extract(Headers headers) {
        return propagator.extract(Context.root(), headers, KAFKA_GETTER);
    }

    /** Starts the span of processing one record of {@code topic}, as a child of the context in its headers. */
    public Span process(String topic, Headers headers) {
        return messaging("process " + topic, SpanKind.CONSUMER, topic, extract(headers));
    }

    /** Starts a client span (an outbound call), as a child of {@code parent}. */
    public Span client(String name, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setParent(parent).startSpan();
    }

    /** The span's context as a W3C {@code traceparent} value, for storing next to the work it belongs to. */
    public static String traceParent(Span span) {
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a stored {@code traceparent} value names; the root context for null or an unreadable value. */
    public static Context fromTraceParent(String traceParent) {
        if (traceParent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceParent), MAP_GETTER);
    }

    /** Ends a span (null: tracing is off), marked as an error when {@code failure} is not null. */
    public static void end(Span span, Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }

    private Span messaging(String name, SpanKind kind, String topic, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .startSpan();
    }
}
