package dev.igme.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * The benchmark's baseline: the least a webhook can do and still be correct. A bare Vert.x server
 * that checks the HMAC with the JDK's {@link Mac} and produces the body, with the same record
 * headers and timestamp as the service and its producer settings, answering 200 after the broker's
 * acknowledgement. No framework, no metrics, no timeout handling.
 *
 * <p>Independent of the service on purpose: it imports nothing from {@code dev.igme}, so a
 * slowdown in the service's own verifier or record building shows as a lower ratio instead of
 * hiding on both sides. {@code BaselineServerTest} keeps its records and its signature check equal
 * to the service's. Usage: {@code BaselineServer PORT BOOTSTRAP SECRET TOPIC}
 */
public final class BaselineServer {

    /** The raw topic's header names, written out here (not taken from the service). */
    static final String DELIVERY_ID = "igme-delivery-id";
    static final String RECEIVED_AT = "igme-received-at";
    static final String SIGNATURE = "x-hub-signature-256";
    static final String SIGNATURE_HTTP_HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    /** Mac is not thread-safe: one per event-loop thread. */
    private final ThreadLocal<Mac> macs;

    BaselineServer(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Meta's rule: exactly one {@code X-Hub-Signature-256: sha256=<64 hex>} (prefix in any case,
     * surrounding blanks ignored) equal, in constant time, to HMAC-SHA256 of the exact bytes.
     */
    boolean verify(List<String> headers, byte[] body) {
        if (headers == null || headers.size() != 1) {
            return false;
        }
        String value = headers.get(0).strip();
        if (value.length() != PREFIX.length() + 64 || !value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(value, PREFIX.length(), value.length());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(macs.get().doFinal(body), claimed);
    }

    /** The record for one verified delivery: the body unchanged, the service's headers, the receive time as timestamp. */
    static ProducerRecord<String, byte[]> record(String topic, String deliveryId, Instant receivedAt, String signature,
            byte[] body) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, receivedAt.toEpochMilli(), null, body);
        record.headers().add(DELIVERY_ID, deliveryId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(RECEIVED_AT, receivedAt.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(SIGNATURE, signature.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * Metadata before the first request, as the service has after warm-up. One attempt may time
     * out (max.block.ms) on a loaded machine; a baseline that exits then measures nothing.
     */
    private static void awaitMetadata(KafkaProducer<String, byte[]> producer, String topic) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException slow) {
                if (System.nanoTime() > deadline) {
                    throw slow;
                }
            }
        }
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        BaselineServer baseline = new BaselineServer(args[2]);
        String topic = args[3];
        // the service's settings for the raw topic (application.properties, webhook-raw-out)
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 9437184,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000),
                new StringSerializer(), new ByteArraySerializer());
        awaitMetadata(producer, topic);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(request -> request.body().onSuccess(body -> {
            byte[] bytes = body.getBytes();
            List<String> signatures = request.headers().getAll(SIGNATURE_HTTP_HEADER);
            if (!baseline.verify(signatures, bytes)) {
                request.response().setStatusCode(401).end();
                return;
            }
            String deliveryId = UUID.randomUUID().toString();
            producer.send(record(topic, deliveryId, Instant.now(), signatures.get(0), bytes), (metadata, error) -> {
                if (error == null) {
                    request.response().setStatusCode(200).putHeader("X-Igme-Delivery-Id", deliveryId).end();
                } else {
                    request.response().setStatusCode(503).end();
                }
            });
        })).listen().toCompletionStage().toCompletableFuture().join();
        System.out.println("baseline listening on " + port);
    }
}
