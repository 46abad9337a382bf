package dev.igme.account.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.igme.attribution.NormalizerConsumer;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import dev.igme.webhook.RawDeliveryPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Replays the raw topic over a time range, and re-drives dead letters, through the normalizer's
 * own batch path ({@link NormalizerConsumer#consume}: the same normalisation, the same
 * transaction, the same event and dead-letter publishing). Safe to repeat: attribution ids are
 * stable, rows are inserted once, the reply outbox holds one row per attribution, so a replay
 * republishes events with the same ids and sends no second reply.
 *
 * <p>Reads with a plain {@link KafkaConsumer} of its own, assigned to partitions (no consumer
 * group: the normalizers' offsets are never touched), on one thread of its own, since the Kafka
 * consumer blocks. The job row stores the next offset per partition after every batch: a job
 * whose instance stopped is taken over by a replier and resumed where it stopped.
 */
@ApplicationScoped
public class Replays {

    /** A job whose owner has not reported progress for this long is taken over. */
    static final int STALE_SECONDS = 60;
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

    /** What a job would read: per partition, from where to where; {@code total} records. */
    public record Plan(String topic, Map<Integer, ReplayJob.Range> positions, long total) {

        static Plan of(String topic, Map<Integer, ReplayJob.Range> positions) {
            return new Plan(topic, positions, positions.values().stream().mapToLong(ReplayJob.Range::remaining).sum());
        }
    }

    private final Map<String, Object> kafka;
    private final NormalizerConsumer normalizer;
    private final ReplayStore store;
    private final boolean replier;
    private final String owner = UUID.randomUUID().toString();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "igme-replay");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    public Replays(@Identifier("default-kafka-broker") Map<String, Object> kafka, NormalizerConsumer normalizer,
            ReplayStore store, Roles roles) {
        this.kafka = kafka;
        this.normalizer = normalizer;
        this.store = store;
        this.replier = roles.has(Role.REPLIER);
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            Jobs.every(scheduler, "Replay takeover", Duration.ofSeconds(STALE_SECONDS / 2), Duration.ofSeconds(5),
                    this::resumeAbandoned);
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        runner.shutdown();
    }

    /** The records of the raw topic whose timestamps fall in [from, to). */
    public Uni<Plan> planReplay(Instant from, Instant to) {
        return blocking(() -> {
            try (KafkaConsumer<String, byte[]> consumer = consumer("plan")) {
                List<TopicPartition> partitions = partitions(consumer, RawDeliveryPublisher.TOPIC);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Map<TopicPartition, Long> starts = offsetsAt(consumer, partitions, from, ends);
                Map<TopicPartition, Long> stops = to == null ? ends : offsetsAt(consumer, partitions, to, ends);
                Map<Integer, ReplayJob.Range> positions = new TreeMap<>();
                for (TopicPartition tp : partitions) {
                    positions.put(tp.partition(), new ReplayJob.Range(starts.get(tp), Math.max(starts.get(tp), stops.get(tp))));
                }
                return Plan.of(RawDeliveryPublisher.TOPIC, positions);
            }
        });
    }

    /** The dead letters after where the last finished re-drive stopped (or all of them), up to now. */
    public Uni<Plan> planRedrive() {
        return store.lastRedrive().chain(last -> blocking(() -> {
            try (KafkaConsumer<String, byte[]> consumer = consumer("plan")) {
                List<TopicPartition> partitions = partitions(consumer, NormalizerOutput.DEAD_LETTERS_TOPIC);
                Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Map<Integer, ReplayJob.Range> positions = new TreeMap<>();
                for (TopicPartition tp : partitions) {
                    long done = last.map(job -> job.positions().get(tp.partition())).map(ReplayJob.Range::end).orElse(0L);
                    long start = Math.min(Math.max(done, begins.get(tp)), ends.get(tp));
                    positions.put(tp.partition(), new ReplayJob.Range(start, ends.get(tp)));
                }
                return Plan.of(NormalizerOutput.DEAD_LETTERS_TOPIC, positions);
            }
        }));
    }

    /** Stores the job and starts it in the background; the answer is the stored job. */
    public Uni<ReplayJob> start(ReplayJob.Kind kind, Plan plan, Instant from, Instant to) {
        return store.create(kind, plan.topic(), from, to, plan.positions(), owner).invoke(this::launch);
    }

    public Uni<Optional<ReplayJob>> find(long id) {
        return store.find(id);
    }

    public Uni<List<ReplayJob>> recent(int limit) {
        return store.recent(limit);
    }

    /** Takes over and resumes the jobs whose instance stopped (they resume from their stored positions). */
    public Uni<Void> resumeAbandoned() {
        return store.takeOverAbandoned(owner, STALE_SECONDS).invoke(jobs -> jobs.forEach(job -> {
            Log.infof("Resuming %s job %d from its stored positions %s", job.kind(), job.id(), job.positions());
            launch(job);
        })).replaceWithVoid();
    }

    private void launch(ReplayJob job) {
        runner.submit(() -> run(job));
    }

    /** Runs on the replay thread: blocking reads, each batch through the normalizer and its progress stored. */
    void run(ReplayJob job) {
        Map<Integer, ReplayJob.Range> positions = new TreeMap<>(job.positions());
        long processed = job.processed();
        try (KafkaConsumer<String, byte[]> consumer = consumer(job.kind().name().toLowerCase() + "-" + job.id())) {
            List<TopicPartition> open = new ArrayList<>();
            positions.forEach((partition, range) -> {
                if (range.remaining() > 0) {
                    open.add(new TopicPartition(job.topic(), partition));
                }
            });
            consumer.assign(open);
            open.forEach(tp -> consumer.seek(tp, positions.get(tp.partition()).next()));
            while (!open.isEmpty() && !stopping) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
                Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> batch = new HashMap<>();
                int count = 0;
                for (TopicPartition tp : open) {
                    long end = positions.get(tp.partition()).end();
                    for (ConsumerRecord<String, byte[]> record : polled.records(tp)) {
                        if (record.offset() < end) {
                            batch.computeIfAbsent(tp, k -> new ArrayList<>())
                                    .add(job.kind() == ReplayJob.Kind.REDRIVE ? DeadLetters.asRawRecord(record) : record);
                            count++;
                        }
                    }
                }
                if (count > 0) {
                    normalizer.consume(new ConsumerRecords<>(batch, Map.of())).await().atMost(BATCH_TIMEOUT);
                    processed += count;
                }
                boolean finished = false;
                for (TopicPartition tp : List.copyOf(open)) {
                    ReplayJob.Range range = positions.get(tp.partition());
                    long next = Math.min(consumer.position(tp), range.end());
                    positions.put(tp.partition(), new ReplayJob.Range(next, range.end()));
                    if (next >= range.end()) {
                        open.remove(tp);
                        finished = true;
                    }
                }
                if (finished) {
                    consumer.assign(open); // the others keep their positions
                }
                if (count > 0 || open.isEmpty()) {
                    if (!store.progress(job.id(), owner, positions, processed).await().atMost(BATCH_TIMEOUT)) {
                        Log.infof("%s job %d was taken over by another instance", job.kind(), job.id());
                        return;
                    }
                }
            }
            if (!stopping) {
                store.finish(job.id(), owner, ReplayJob.Status.DONE, null).await().atMost(BATCH_TIMEOUT);
                Log.infof("%s job %d done: %d record(s)", job.kind(), job.id(), processed);
            }
        } catch (RuntimeException e) {
            Log.errorf("%s job %d failed: %s", job.kind(), job.id(), e.toString());
            if (!stopping) {
                store.finish(job.id(), owner, ReplayJob.Status.FAILED, e.getMessage()).await().atMost(BATCH_TIMEOUT);
            }
        }
    }

    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
            Instant at, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, at.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp hit = found.get(tp);
            offsets.put(tp, hit == null ? ends.get(tp) : hit.offset()); // nothing at or after `at`: the end
        }
        return offsets;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private KafkaConsumer<String, byte[]> consumer(String name) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "igme-" + name);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
