package dev.igme.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;

import io.restassured.response.Response;

/** The service's own health answers, waited for the way a probe would see them. */
public final class Health {

    public static final String LIVE = "/q/health/live";
    public static final String READY = "/q/health/ready";

    private Health() {
    }

    /**
     * Waits until liveness and readiness answer 200. Tests that take the broker away call this once
     * it is back: every consumer and producer must have come through the outage alive, since a
     * channel the connector gave up stays down until the pod is restarted. On failure the last
     * answer names the channel that did not.
     */
    public static void awaitLiveAndReady() {
        awaitUp(LIVE);
        awaitUp(READY);
    }

    public static void awaitUp(String check) {
        AtomicReference<String> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Response answer = given().when().get(check);
                last.set(answer.statusCode() + " " + answer.asString());
                return answer.statusCode() == 200;
            });
        } catch (ConditionTimeoutException notUp) {
            Assertions.fail(check + " did not answer 200 within 90 s; last answer: " + last.get());
        }
    }
}
