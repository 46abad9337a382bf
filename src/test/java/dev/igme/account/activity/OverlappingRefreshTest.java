package dev.igme.account.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.igme.config.ConfigFromEnv;
import dev.igme.config.IgmeConfig;
import dev.igme.platform.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Two refreshes of the watchdog overlap (the schedule's, and the doctor's on demand) and finish in
 * the other order: the activity read by the one that started last is what the gauges show.
 */
class OverlappingRefreshTest {

    private static final String ACCOUNT = "17841400000000077";
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void anOlderReadThatFinishesLastDoesNotPutTheOlderActivityBack() {
        IgmeConfig config = ConfigFromEnv.of(Map.of(
                "IGME_ROLES", "replier",
                "IGME_ACCOUNTS__" + ACCOUNT + "__ACCESS_TOKEN", "token",
                "IGME_ACCOUNTS__" + ACCOUNT + "__EXPECT_DELIVERIES_WITHIN", "10m"));
        Activity older = new Activity(NOW.minus(Duration.ofHours(1)), null, NOW.minus(Duration.ofHours(2)));
        // the expectation is configured: the older read alone would make the account silent
        assertTrue(older.silent(config.accounts().get(ACCOUNT).expectDeliveriesWithin().orElseThrow(), NOW));
        Reads store = new Reads();
        SilenceWatchdog watchdog = new SilenceWatchdog(store, Clock.fixed(NOW, ZoneOffset.UTC), config, new Roles(config));

        CompletableFuture<Void> first = watchdog.refresh().subscribeAsCompletionStage();
        CompletableFuture<Void> second = watchdog.refresh().subscribeAsCompletionStage();
        // the newer read sees the delivery of a minute ago; the older one was taken before it arrived
        store.answer(1, new Activity(NOW.minus(Duration.ofMinutes(1)), null, NOW.minus(Duration.ofHours(2))));
        second.join();
        store.answer(0, older);
        first.join();

        assertEquals(NOW.minus(Duration.ofMinutes(1)), watchdog.activity(ACCOUNT).lastDeliveryAt());
        assertFalse(watchdog.silent(ACCOUNT), "a delivery a minute ago, 10 minutes expected: not silent");
    }

    /** Answers each read when the test says so. */
    private static final class Reads extends ActivityStore {
        private final List<CompletableFuture<Map<String, Activity>>> reads = new ArrayList<>();

        Reads() {
            super(null);
        }

        @Override
        public Uni<Map<String, Activity>> watch(Collection<String> accounts) {
            CompletableFuture<Map<String, Activity>> read = new CompletableFuture<>();
            reads.add(read);
            return Uni.createFrom().completionStage(read);
        }

        void answer(int read, Activity activity) {
            reads.get(read).complete(Map.of(ACCOUNT, activity));
        }
    }
}
