package dev.igme.attribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectPostgres;
import dev.igme.testing.Postgres;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Takes the real PostgreSQL away from the running service and gives it back. */
@QuarkusTest
class NormalizerDatabaseOutageTest {

    @InjectPostgres
    Postgres postgres;

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @AfterEach
    void databaseBack() {
        postgres.start();
    }

    @Test
    void withoutTheDatabaseWebhooksAreStillAcceptedAndEveryReferralIsWrittenOnceItReturns() throws InterruptedException {
        String prefix = "pg-outage-" + UUID.randomUUID() + "-";
        postgres.stop();

        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String ref = prefix + i;
            refs.add(ref);
            Webhook.postSigned(Deliveries.existingThreadReferral(Deliveries.newUser(), 1767225600000L + i, ref))
                    .then().statusCode(200); // ingress needs the broker only
        }
        Thread.sleep(3000); // the normalizer meets the outage and retries
        assertTrue(TopicReader.all(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(prefix)).isEmpty(),
                "no event is published before its row is stored");

        postgres.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Db.rows(pool,
                "SELECT 1 FROM attribution WHERE ref LIKE $1", prefix + "%").size() == refs.size());
        await().atMost(Duration.ofSeconds(20)).until(() -> TopicReader.all(bootstrap, NormalizerOutput.ATTRIBUTIONS_TOPIC,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(prefix)).size() >= refs.size());
        for (String ref : refs) {
            assertEquals(1, Db.rows(pool, "SELECT 1 FROM attribution WHERE ref = $1", ref).size(), ref);
        }
    }
}
