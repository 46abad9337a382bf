package dev.igme.link.directory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The links the redirect knows, in memory: on instances with the ingress role, a thread reads the
 * compacted topic {@code instagram.links} from its beginning and then follows it, so the redirect
 * answers from memory and needs no database (the ingress needs Kafka only). No consumer group: every
 * ingress instance reads every partition. {@link #loaded()} turns true once the topic was read up to
 * where it ended at start; until then the redirect answers 503 and readiness is down.
 */
@Singleton
public class LinkDirectory {

    private final Map<String, LinkSnapshot> links = new ConcurrentHashMap<>();
    private final AtomicBoolean loaded = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Object> kafka;
    private final ObjectMapper mapper;
    private final boolean ingress;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    public LinkDirectory(@Identifier("default-kafka-broker") Map<String, Object> kafka, ObjectMapper mapper, Roles roles) {
        this.kafka = kafka;
        this.mapper = mapper;
        this.ingress = roles.has(Role.INGRESS);
        Metrics.gauge("igme.links.directory.size", links, Map::size);
    }

    void start(@Observes StartupEvent start) {
        if (!ingress) {
            return;
        }
        thread = new Thread(this::follow, "igme-link-directory");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() {
        running.set(false);
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    public Optional<LinkSnapshot> find(String id) {
        return Optional.ofNullable(links.get(id));
    }

    public boolean loaded() {
        return loaded.get();
    }

    /** Applies one record of the topic: the latest value per link wins; a tombstone removes it. */
    void apply(String key, String value) {
        if (key == null) {
            return;
        }
        if (value == null) {
            links.remove(key);
            return;
        }
        try {
            LinkSnapshot snapshot = mapper.readValue(value, LinkSnapshot.class);
            links.put(key, snapshot);
        } catch (Exception e) {
            Log.warnf("Ignored a record of %s for link %s that is not a link snapshot: %s", LinkPublisher.TOPIC, key,
                    e.getMessage());
        }
    }

    private void follow() {
        while (running.get()) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config(), new StringDeserializer(),
                    new StringDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(LinkPublisher.TOPIC, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions));
                if (partitions.isEmpty()) {
                    Log.warnf("Topic %s has no partitions yet: the redirect knows no link until it exists",
                            LinkPublisher.TOPIC);
                    markLoaded();
                    sleep(Duration.ofSeconds(10)); // then look for the topic again
                    continue;
                }
                while (running.get()) {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
                        apply(record.key(), record.value());
                    }
                    if (!loaded.get() && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                        markLoaded();
                    }
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                Log.warnf("Link directory lost %s (%s); reading it again", LinkPublisher.TOPIC, e.toString());
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    private void markLoaded() {
        if (loaded.compareAndSet(false, true)) {
            Log.infof("Link directory loaded: %d link(s)", links.size());
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            // the shared client settings (servers, TLS, SASL), not another channel's own ones
            if (!key.startsWith("mp.") && !key.contains("serializer") && !key.contains("deserializer")) {
                config.put(key, value);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "igme-link-directory");
        return config;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
