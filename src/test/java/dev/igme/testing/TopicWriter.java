package dev.igme.testing;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.igme.webhook.RawDelivery;

/** Puts a delivery on the raw topic as the ingress would, for instances that have no ingress. */
public final class TopicWriter {

    private TopicWriter() {
    }

    /** Produces {@code body} with the ingress's headers and waits for the broker's ack. */
    public static void rawDelivery(String bootstrap, String topic, byte[] body) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            RawDelivery delivery = new RawDelivery(RawDelivery.newId(), Instant.now(), null, body);
            producer.send(new ProducerRecord<String, byte[]>(topic, null, (String) null, body, delivery.headers())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take the delivery", e.getCause());
        }
    }
}
