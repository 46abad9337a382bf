package dev.igme.account.activity;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.igme.account.AccountProfile;
import dev.igme.testing.Deliveries;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * An account expected to get deliveries every 10 s: silent (gauge 1, doctor ERROR) while none
 * come, not silent as soon as one arrives, with the delivery and referral ages as gauges.
 */
@QuarkusTest
@TestProfile(AccountProfile.class)
class SilenceWatchdogTest {

    private static final String ACCOUNT = AccountProfile.QUIET_ACCOUNT;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aSilentAccountRaisesTheGaugeAndAFindingUntilADeliveryArrives() {
        // the age counts from when the ingress received a delivery: first wait until the normalizers are
        // consuming (after a restart their group may take a while to rebalance), with another account's delivery
        Instant warmUp = Instant.now().minusSeconds(1);
        Webhook.postSigned(Deliveries.message(Deliveries.newUser(), System.currentTimeMillis(), "m-warm-" + System.nanoTime(),
                "hi")).then().statusCode(200);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            String at = given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts").then().statusCode(200)
                    .extract().jsonPath().getString("find { it.id == '" + Deliveries.ACCOUNT + "' }.lastDeliveryAt");
            return at != null && Instant.parse(at).isAfter(warmUp);
        });

        await().atMost(WAIT).until(() -> gauge("igme_account_silent") == 1.0);
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts/" + ACCOUNT + "/doctor").then().statusCode(200)
                .body("findings.find { it.check == 'DELIVERIES' }.severity", org.hamcrest.Matchers.equalTo("ERROR"));

        String user = Deliveries.newUser();
        Webhook.postSigned(Deliveries.envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT
                + "\"},\"timestamp\":" + System.currentTimeMillis() + ",\"referral\":{\"ref\":\"quiet-no-more\","
                + "\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}")).then().statusCode(200);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> gauge("igme_account_silent") == 0.0);
        assertTrue(gauge("igme_account_last_delivery_age_seconds") < 10, "age of the delivery just made");
        assertTrue(gauge("igme_account_last_referral_age_seconds") < 10, "it was a referral");
        // and silent again once the expectation passes without another
        await().atMost(WAIT).until(() -> gauge("igme_account_silent") == 1.0);
    }

    private static double gauge(String name) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{account=\"" + ACCOUNT + "\",?\\} (\\S+)$").matcher(metrics);
        if (!m.find()) {
            return Double.NaN;
        }
        return Double.parseDouble(m.group(1));
    }
}
