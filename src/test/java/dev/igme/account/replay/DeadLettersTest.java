package dev.igme.account.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.igme.attribution.NormalizerOutput;
import dev.igme.webhook.RawDelivery;

/** A dead letter goes back to the normalizer as what it was cut from, without its old dead-letter headers. */
class DeadLettersTest {

    private static final String ITEM = "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"2\"},\"timestamp\":1}";

    @Test
    void itemsGoBackIntoAnEnvelopeOfTheirArray() {
        assertEquals("{\"object\":\"instagram\",\"entry\":[{\"messaging\":[" + ITEM + "]}]}", wrap("entry[0].messaging[3]"));
        assertEquals("{\"object\":\"instagram\",\"entry\":[{\"standby\":[" + ITEM + "]}]}", wrap("entry[2].standby[0]"));
        assertEquals("{\"object\":\"instagram\",\"entry\":[{\"changes\":[{\"field\":\"redriven\",\"value\":" + ITEM + "}]}]}",
                wrap("entry[0].changes[1].value"));
        for (String asItWas : new String[] {"delivery", "entry[0]", "entry[0].changes[1]", "entry[0].messaging"}) {
            assertEquals(ITEM, wrap(asItWas), asItWas);
        }
    }

    @Test
    void keepsTheRawHeadersAndDropsTheDeadLetterOnes() {
        RecordHeaders headers = new RawDelivery("d-1", java.time.Instant.parse("2026-11-25T08:00:00Z"), null, new byte[0]).headers();
        headers.add(NormalizerOutput.Headers.REASON, "old".getBytes(StandardCharsets.UTF_8));
        headers.add(NormalizerOutput.Headers.PATH, "delivery".getBytes(StandardCharsets.UTF_8));
        headers.add(NormalizerOutput.Headers.ORIGIN, "instagram.webhook.raw/0/7".getBytes(StandardCharsets.UTF_8));
        byte[] body = "{\"object\":\"instagram\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> letter = new ConsumerRecord<>(NormalizerOutput.DEAD_LETTERS_TOPIC, 0, 42, 0L,
                TimestampType.CREATE_TIME, -1, -1, "d-1", body, headers, Optional.empty());

        ConsumerRecord<String, byte[]> raw = DeadLetters.asRawRecord(letter);
        assertArrayEquals(body, raw.value());
        assertEquals("d-1", RawDelivery.header(raw, RawDelivery.Headers.DELIVERY_ID));
        assertEquals("2026-11-25T08:00:00Z", RawDelivery.header(raw, RawDelivery.Headers.RECEIVED_AT));
        assertNull(raw.headers().lastHeader(NormalizerOutput.Headers.REASON));
        assertNull(raw.headers().lastHeader(NormalizerOutput.Headers.PATH));
        assertNull(raw.headers().lastHeader(NormalizerOutput.Headers.ORIGIN));
        assertEquals(42, raw.offset());
    }

    private static String wrap(String path) {
        return new String(DeadLetters.wrap(path, ITEM.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
