package dev.igme.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for a broker's or database's data that is removed when its owner closes,
 * or at the latest when the JVM exits: a benchmark writes gigabytes of Kafka log, and leftovers of
 * many runs fill the disk.
 */
final class ScratchDirectory {

    private ScratchDirectory() {
    }

    static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "delete " + dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Best effort: what cannot be deleted now is left for the shutdown hook or the OS. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // still in use or already gone
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a file vanished while walking: a concurrent delete
        }
    }
}
