package dev.igme.link.redirect;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Health;
import dev.igme.link.LinksTest;
import dev.igme.testing.InjectKafkaBroker;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** A person waiting for the redirect never waits for the broker: without one, clicks are counted lost, not errors. */
@QuarkusTest
class RedirectBrokerOutageTest {

    private static final Pattern LOST = Pattern.compile("(?m)^igme_link_clicks_lost_total(?:\\{[^}]*})? ([0-9.E]+)$");

    @InjectKafkaBroker
    KafkaBroker broker;

    @AfterEach
    void brokerBack() {
        broker.start();
        Webhook.awaitStored();
        // every consumer and producer came through the outage: liveness and readiness are back
        Health.awaitLiveAndReady();
    }

    @Test
    void withoutABrokerTheRedirectStillAnswersAtOnceAndCountsTheLostClicks() throws Exception {
        String linkId = LinksTest.newLink(LinksTest.newCampaign(), "store", "Till").get("id").asText();
        LinksTest.redirect(linkId, "Mozilla/5.0 (iPhone)");
        double lostBefore = lost();

        broker.stop();
        long[] millis = new long[20];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            Response answer = given().redirects().follow(false).header("User-Agent", "Mozilla/5.0 (iPhone)")
                    .get("/r/" + linkId);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            assertEquals(302, answer.statusCode());
            assertTrue(answer.header("Location").startsWith("https://ig.me/m/"), answer.header("Location"));
        }
        // A redirect that waited for the producer would take its max.block.ms (1 s) each time the
        // broker is away; the median keeps a loaded machine's odd slow answer from deciding.
        long[] sorted = millis.clone();
        java.util.Arrays.sort(sorted);
        assertTrue(sorted[sorted.length / 2] < 1000,
                "answered at once, not after the broker's timeouts: " + java.util.Arrays.toString(millis) + " ms");

        await().atMost(Duration.ofSeconds(60)).until(() -> lost() >= lostBefore + 20);
    }

    private static double lost() {
        Matcher m = LOST.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
