package dev.igme.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * Three real Apache Kafka nodes (KRaft, each a combined broker and controller, so the controller
 * quorum is three voters and survives the loss of one) in this JVM, configured as the deploy files
 * promise a production cluster: replication factor 3 and {@code min.insync.replicas=2} for every
 * topic, internal ones included. A node can be stopped without a controlled shutdown, which is
 * as close to a crashed broker as one JVM allows: its partitions lose their leader until the
 * controller fences it (after {@link #SESSION_TIMEOUT_MS}) and elects another in-sync replica.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final int NODES = 3;
    /** A node that stops heartbeating is fenced after this long; Kafka's default is 9 s. */
    static final int SESSION_TIMEOUT_MS = 4000;

    private final Path dataDir = ScratchDirectory.create("igme-kafka-cluster");
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] ports = new int[NODES];
    private final int[] controllerPorts = new int[NODES];
    private final KafkaRaftServer[] servers = new KafkaRaftServer[NODES];

    public KafkaCluster() {
        for (int i = 0; i < NODES; i++) {
            ports[i] = FreePort.any();
            controllerPorts[i] = FreePort.any();
        }
    }

    /** Starts all nodes together: a node's startup waits for a controller quorum, which needs two of them. */
    public KafkaCluster start() {
        // a thread each: the common pool may have a single thread on a small machine
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(NODES);
        try {
            List<CompletableFuture<Void>> starting = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                int node = i;
                starting.add(CompletableFuture.runAsync(() -> startNode(node), threads));
            }
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
        } finally {
            threads.shutdown();
        }
        awaitBrokers(NODES);
        return this;
    }

    private void startNode(int index) {
        KafkaConfig config = KafkaConfig.fromProps(properties(index), false);
        Formatter formatter = new Formatter()
                .setClusterId(clusterId)
                .setNodeId(config.nodeId())
                .setIgnoreFormatted(true)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(config.metadataLogDir());
        formatter.addDirectory(config.metadataLogDir());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage of node " + nodeId(index), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        synchronized (this) {
            servers[index] = server;
        }
    }

    /** Kafka's node id of the node at {@code index} (0-based): 1, 2, 3. */
    public static int nodeId(int index) {
        return index + 1;
    }

    /** Every node's client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        List<String> all = new ArrayList<>();
        for (int port : ports) {
            all.add("localhost:" + port);
        }
        return String.join(",", all);
    }

    /**
     * Creates topics with three replicas and {@code min.insync.replicas=2}; a topic named in
     * {@code ledBy} gets {@code ledBy}'s node first in every partition's replica list, so that
     * one node leads all its partitions.
     */
    public void createTopics(Map<String, Integer> partitionsByTopic, String ledByTopic, int leaderNodeId) {
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (Map.Entry<String, Integer> topic : partitionsByTopic.entrySet()) {
                NewTopic created;
                if (topic.getKey().equals(ledByTopic)) {
                    Map<Integer, List<Integer>> assignment = new HashMap<>();
                    for (int p = 0; p < topic.getValue(); p++) {
                        List<Integer> replicas = new ArrayList<>(List.of(leaderNodeId));
                        for (int i = 0; i < NODES; i++) {
                            int other = nodeId((leaderNodeId + p + i) % NODES);
                            if (!replicas.contains(other)) {
                                replicas.add(other);
                            }
                        }
                        assignment.put(p, replicas);
                    }
                    created = new NewTopic(topic.getKey(), assignment);
                } else {
                    created = new NewTopic(topic.getKey(), topic.getValue(), (short) NODES);
                }
                topics.add(created.configs(Map.of("min.insync.replicas", "2", "max.message.bytes", "10485760")));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topics " + partitionsByTopic.keySet(), e);
        }
    }

    /** The current leader's node id of each partition of {@code topic} (-1 while a partition has none). */
    public Map<Integer, Integer> leaders(String topic) {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic);
            return description.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition,
                    p -> p.leader() == null ? -1 : p.leader().id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not describe " + topic, e);
        }
    }

    /** Stops a node without a controlled shutdown: it leaves no leadership behind on purpose. */
    public void kill(int nodeId) {
        KafkaRaftServer server;
        synchronized (this) {
            server = servers[nodeId - 1];
            servers[nodeId - 1] = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    private void awaitBrokers(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    // not all up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the three Kafka nodes did not all come up on " + bootstrapServers());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < NODES; i++) {
            kill(nodeId(i));
        }
        ScratchDirectory.delete(dataDir);
    }

    private Properties properties(int index) {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(nodeId(index)));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://localhost:" + ports[index] + ",CONTROLLER://localhost:" + controllerPorts[index]);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + ports[index]);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            voters.add(nodeId(i) + "@localhost:" + controllerPorts[i]);
        }
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("log.dirs", dataDir.resolve("node-" + nodeId(index)).toString());
        // as in production (k8s/kafka): three replicas, two of them in sync for an acknowledged write
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", "10485760");
        p.put("controlled.shutdown.enable", "false");
        p.put("broker.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS));
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        p.put("log.message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        return p;
    }
}
