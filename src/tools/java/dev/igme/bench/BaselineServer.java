package dev.igme.bench;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * The benchmark's baseline: the least a webhook can do and still be correct. A bare Vert.x server
 * that checks the HMAC and produces the body with the service's producer settings, answering 200
 * after the broker's acknowledgement. No framework, no headers, no metrics, no timeout handling.
 * Usage: BaselineServer PORT BOOTSTRAP SECRET TOPIC
 */
public final class BaselineServer {

    private BaselineServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        SignatureVerifier verifier = new SignatureVerifier(List.of(args[2]));
        String topic = args[3];
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 9437184,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000),
                new StringSerializer(), new ByteArraySerializer());
        producer.partitionsFor(topic); // metadata before the first request, as the service has after warm-up
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(request -> request.body().onSuccess(body -> {
            byte[] bytes = body.getBytes();
            if (!verifier.verify(request.getHeader(WebhookRoute.SIGNATURE_HEADER), bytes)) {
                request.response().setStatusCode(401).end();
                return;
            }
            producer.send(new ProducerRecord<>(topic, bytes), (metadata, error) -> {
                if (error == null) {
                    request.response().setStatusCode(200).end();
                } else {
                    request.response().setStatusCode(503).end();
                }
            });
        })).listen().toCompletionStage().toCompletableFuture().join();
        System.out.println("baseline listening on " + port);
    }
}
