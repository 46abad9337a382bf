package dev.igme.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.igme.testing.Health;
import dev.igme.testing.InjectKafkaBroker;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.TopicReader;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Takes the real broker away from the running service and gives it back. */
@QuarkusTest
class WebhookBrokerOutageTest {

    @InjectKafkaBroker
    KafkaBroker broker;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "igme.webhook.ack-timeout")
    Duration ackTimeout;

    @AfterEach
    void brokerBack() {
        broker.start();
        Webhook.awaitStored(); // hand the next test a service that stores again
        // every consumer and producer came through the outage: liveness and readiness are back
        Health.awaitLiveAndReady();
    }

    @Test
    void withoutABrokerEveryDeliveryGets503WithinTheAckTimeoutAndAfterItsReturnDeliveriesAreStored() {
        Webhook.postSigned(WebhookResourceTest.uniqueBody()).then().statusCode(200);

        broker.stop();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Response response = Webhook.postSignedOnce(WebhookResourceTest.uniqueBody());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(503, response.statusCode(), "a delivery the broker did not acknowledge is never answered 200");
            assertNotNull(response.header("Retry-After"));
            // bounded by the ack timeout, not the producer's 30 s delivery timeout; the slack is for a loaded machine
            assertTrue(took.compareTo(ackTimeout.plusSeconds(5)) < 0,
                    "503 comes within the ack timeout (" + ackTimeout + "), took " + took);
        }

        broker.start();
        byte[] body = WebhookResourceTest.uniqueBody();
        Response accepted = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = Webhook.postSignedOnce(body);
            if (response.statusCode() == 200) {
                accepted = response;
                break;
            }
            assertEquals(503, response.statusCode());
        }
        assertNotNull(accepted, "deliveries are stored again once the broker is back");
        String deliveryId = accepted.header("X-Igme-Delivery-Id");
        var record = TopicReader.await(bootstrap, RawDeliveryPublisher.TOPIC,
                r -> deliveryId.equals(TopicReader.header(r, RawDelivery.Headers.DELIVERY_ID)), Duration.ofSeconds(10));
        assertArrayEquals(body, record.value());
    }
}
