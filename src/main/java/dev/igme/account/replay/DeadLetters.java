package dev.igme.account.replay;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import dev.igme.attribution.NormalizerOutput;

/**
 * Turns a dead letter back into what the normalizer reads: a whole delivery as it was received,
 * or a single item wrapped in an envelope of the array it came from ({@code messaging},
 * {@code standby}, {@code changes}), with the raw record's headers (delivery id, received-at)
 * and without the dead-letter headers, so that a letter that fails again carries only its new
 * reason. Pure.
 */
public final class DeadLetters {

    private static final Pattern ITEM_PATH = Pattern.compile("^entry\\[\\d+]\\.(messaging|standby|changes)\\[\\d+](\\.value)?$");

    private DeadLetters() {
    }

    public static ConsumerRecord<String, byte[]> asRawRecord(ConsumerRecord<String, byte[]> letter) {
        RecordHeaders headers = new RecordHeaders();
        String path = null;
        for (Header header : letter.headers()) {
            switch (header.key()) {
                case NormalizerOutput.Headers.PATH -> path = new String(header.value(), StandardCharsets.UTF_8);
                case NormalizerOutput.Headers.REASON, NormalizerOutput.Headers.ORIGIN -> { }
                default -> headers.add(header);
            }
        }
        byte[] value = letter.value() == null ? new byte[0] : letter.value();
        return new ConsumerRecord<>(letter.topic(), letter.partition(), letter.offset(), letter.timestamp(),
                TimestampType.CREATE_TIME, -1, -1, letter.key(), wrap(path, value), headers, java.util.Optional.empty());
    }

    /** A whole delivery stays as it is; an item is put back into an envelope of its array. */
    static byte[] wrap(String path, byte[] value) {
        if (path == null) {
            return value;
        }
        Matcher m = ITEM_PATH.matcher(path);
        if (!m.matches() || m.group(1).equals("changes") != (m.group(2) != null)) {
            return value; // not an item (a whole entry, a change without a value): as it was
        }
        String item = new String(value, StandardCharsets.UTF_8);
        String array = m.group(1);
        // changes[] items come from the App Dashboard's test shape: an entry without id marks them as tests again
        String entry = array.equals("changes")
                ? "{\"changes\":[{\"field\":\"redriven\",\"value\":" + item + "}]}"
                : "{\"" + array + "\":[" + item + "]}";
        return ("{\"object\":\"instagram\",\"entry\":[" + entry + "]}").getBytes(StandardCharsets.UTF_8);
    }
}
