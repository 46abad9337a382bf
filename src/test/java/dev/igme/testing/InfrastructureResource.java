package dev.igme.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Starts a real Kafka broker and a real PostgreSQL once for the whole test run and points the
 * application at them. Nothing is installed on the machine: both come from Maven Central.
 */
@WithTestResource(value = InfrastructureResource.class, scope = TestResourceScope.GLOBAL)
public class InfrastructureResource implements QuarkusTestResourceLifecycleManager {

    /** Topics as a platform team would create them: several partitions where order does not matter. */
    public static final Map<String, Integer> TOPICS = Map.of(
            "instagram.webhook.raw", 3,
            "instagram.attributions", 3,
            "instagram.webhook.raw.dlq", 1);

    private KafkaBroker kafka;
    private Postgres postgres;

    @Override
    public Map<String, String> start() {
        kafka = KafkaBroker.onFreePorts();
        postgres = Postgres.onFreePort();
        CompletableFuture<Void> db = CompletableFuture.runAsync(postgres::start);
        kafka.start().createTopics(TOPICS);
        db.join();

        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(kafka,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaBroker.class, KafkaBroker.class));
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
    }
}
