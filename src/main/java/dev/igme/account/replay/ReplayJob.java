package dev.igme.account.replay;

import java.time.Instant;
import java.util.Map;

/**
 * A replay of the raw topic over a time range, or a re-drive of dead letters, with its progress.
 * {@code positions} maps each partition to the next offset to read and the offset to stop at.
 */
public record ReplayJob(long id, Kind kind, String topic, Instant from, Instant to, Status status, long total,
        long processed, Map<Integer, Range> positions, String error, Instant createdAt, Instant updatedAt,
        Instant finishedAt) {

    public enum Kind {
        /** Re-normalise the raw topic between two times (after a parser fix). */
        REPLAY,
        /** Send the dead letters back through the normalizer (after a fix). */
        REDRIVE
    }

    public enum Status {
        RUNNING, DONE, FAILED
    }

    /** Offsets of one partition: the next to read, and the end (exclusive). */
    public record Range(long next, long end) {

        public long remaining() {
            return Math.max(0, end - next);
        }
    }
}
