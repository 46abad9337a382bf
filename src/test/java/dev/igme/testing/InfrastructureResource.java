package dev.igme.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.directory.LinkPublisher;
import dev.igme.link.redirect.ClickPublisher;
import dev.igme.reply.outbox.ReplierDeadLetters;
import dev.igme.webhook.RawDeliveryPublisher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Starts a real Kafka broker, a real PostgreSQL and a fake Graph API (WireMock, over real HTTP) once
 * for the whole test run and points the application at them. Nothing is installed on the machine:
 * all three come from Maven Central.
 */
@WithTestResource(value = InfrastructureResource.class, scope = TestResourceScope.GLOBAL)
public class InfrastructureResource implements QuarkusTestResourceLifecycleManager {

    /** Topics as a platform team would create them: several partitions where order does not matter. */
    public static final Map<String, Integer> TOPICS = Map.of(
            RawDeliveryPublisher.TOPIC, 3,
            NormalizerOutput.ATTRIBUTIONS_TOPIC, 3,
            NormalizerOutput.DEAD_LETTERS_TOPIC, 1,
            ReplierDeadLetters.TOPIC, 1,
            LinkPublisher.TOPIC, 3,
            ClickPublisher.TOPIC, 3);

    private KafkaBroker kafka;
    private Postgres postgres;
    private WireMockServer graph;

    @Override
    public Map<String, String> start() {
        kafka = KafkaBroker.onFreePorts();
        postgres = Postgres.onFreePort();
        CompletableFuture<Void> db = CompletableFuture.runAsync(postgres::start);
        kafka.start().createTopics(TOPICS);
        graph = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(32));
        graph.start();
        db.join();

        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        // One fake Graph API for both flavours, told apart by path.
        config.put("igme.graph.instagram-url", graph.baseUrl() + "/ig");
        config.put("igme.graph.facebook-url", graph.baseUrl() + "/fb");
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(kafka,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaBroker.class, KafkaBroker.class));
        testInjector.injectIntoFields(graph,
                new TestInjector.AnnotatedAndMatchesType(InjectGraphApi.class, WireMockServer.class));
        testInjector.injectIntoFields(postgres,
                new TestInjector.AnnotatedAndMatchesType(InjectPostgres.class, Postgres.class));
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (graph != null) {
            graph.stop();
        }
    }
}
