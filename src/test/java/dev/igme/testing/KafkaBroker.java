package dev.igme.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) in this JVM,
 * of the same version as the kafka-clients the application uses. It can be stopped and started
 * again on the same ports and log directories, so tests can take the broker away from a running
 * service and give it back.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dataDir;
    /** A temporary data directory of our own, deleted on close. */
    private boolean scratch;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private KafkaRaftServer server;

    public KafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePort.any() : port;
        this.controllerPort = controllerPort == 0 ? FreePort.any() : controllerPort;
        this.clusterId = readOrCreateClusterId(dataDir);
    }

    /** A broker on free ports with a fresh temporary log directory. */
    public static KafkaBroker onFreePorts() {
        KafkaBroker result = new KafkaBroker(ScratchDirectory.create("igme-kafka"), 0, 0);
        result.scratch = true;
        return result;
    }

    public synchronized KafkaBroker start() {
        if (server != null) {
            return this;
        }
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(), false);
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
            throw new IllegalStateException("could not format Kafka storage in " + dataDir, e);
        }
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        started.startup();
        server = started;
        awaitClientsServed();
        return this;
    }

    /** startup() returns before the broker serves clients after a restart; wait until it does. */
    private void awaitClientsServed() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not come up", notYet);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Creates the topics if they do not exist yet, each with the given partition count. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (Map.Entry<String, Integer> topic : partitionsByTopic.entrySet()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.getKey(), topic.getValue(), (short) 1)))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.getKey(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("broker did not create topics in time", e);
        }
    }

    @Override
    public void close() {
        stop();
        if (scratch) {
            ScratchDirectory.delete(dataDir);
        }
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // A single node: every internal topic must live with one replica, or consumers get nothing.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", "10485760"); // deliveries up to 8 MiB, as in production topics
        p.put("controlled.shutdown.enable", "false");
        p.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        p.put("log.message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    private static String readOrCreateClusterId(Path dataDir) {
        Path idFile = dataDir.resolve("cluster.id");
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(idFile)) {
                return Files.readString(idFile).strip();
            }
            String id = Uuid.randomUuid().toString();
            Files.writeString(idFile, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
