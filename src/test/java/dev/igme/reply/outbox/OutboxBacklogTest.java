package dev.igme.reply.outbox;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** The outbox's backlog is visible to an alert: rows by status and the age of the oldest pending reply. */
@QuarkusTest
class OutboxBacklogTest {

    private static final Pattern OLDEST = Pattern.compile("(?m)^igme_replies_oldest_pending_age_seconds(?:\\{[^}]*})? ([0-9.E]+)$");

    @Inject
    Pool pool;

    @Test
    void aReplyWaitingForTenMinutesShowsInTheGauges() {
        String user = Deliveries.newUser();
        // a reply created ten minutes ago whose next attempt lies in the future (backing off)
        Db.rows(pool, "INSERT INTO reply (attribution_id, ig_account_id, igsid, scenario, status, text, next_attempt_at,"
                + " created_at) VALUES ($1, $2, $3, 'EXISTING_THREAD_REFERRAL', 'PENDING', 'hi', now() + interval '1 hour',"
                + " now() - interval '10 minutes')", "backlog-" + user, Deliveries.ACCOUNT, user);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> oldestPendingSeconds() >= 600);
            await().atMost(Duration.ofSeconds(20)).until(() -> metrics().contains("igme_replies_outbox{status=\"PENDING\"}"));
        } finally {
            Db.rows(pool, "DELETE FROM reply WHERE attribution_id = $1", "backlog-" + user);
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double oldestPendingSeconds() {
        Matcher m = OLDEST.matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
