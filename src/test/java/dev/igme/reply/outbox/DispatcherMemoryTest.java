package dev.igme.reply.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.ConfigFromEnv;
import dev.igme.config.IgmeConfig;
import dev.igme.conversation.ConversationKey;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.graph.GraphClient;
import dev.igme.graph.OutgoingMessage;
import dev.igme.graph.SendResult;
import dev.igme.platform.Roles;
import dev.igme.platform.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * A replier draining a long backlog holds only the claim it is working on: the rows of claims it
 * has finished can be collected while it goes on. When each claim was chained inside the previous
 * one, every claimed row stayed reachable until the backlog was empty, so the heap a drain needed
 * grew with its backlog. The outbox and the Send API are stand-ins here (both answer on another
 * thread, as the database and the network do); what is checked is the dispatcher's own hold on
 * what it claimed. That the real outbox sends every row once is {@code ReplierTest}'s.
 */
class DispatcherMemoryTest {

    private static final String ACCOUNT = "17841400000000001";
    /** Full claims before the last, half-full one ends the drain. */
    private static final int CLAIMS = 60;
    /** The claim during which the first claim's rows must already be collectable. */
    private static final int CHECK_AT = 40;

    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        io.shutdownNow();
        vertx.closeAndAwait();
    }

    @Test
    void aLongDrainLetsGoOfTheClaimsItHasFinished() {
        IgmeConfig config = config();
        Backlog outbox = new Backlog();
        GraphClient graph = new GraphClient(vertx, config, new ObjectMapper()) {
            @Override
            public Uni<SendResult> send(Account account, OutgoingMessage message) {
                return Uni.createFrom().item(SendResult.sent("m-" + message.recipientIgsid())).emitOn(io);
            }
        };
        ReplyDispatcher dispatcher = new ReplyDispatcher(outbox, new Accounts(config), graph, new AccountRateLimiter(),
                Clock.systemUTC(), config, new Roles(config), new Tracing(OpenTelemetry.noop(), true));

        dispatcher.kick();

        int claimSize = config.reply().maxCallsInFlight();
        int expected = (CLAIMS - 1) * claimSize + claimSize / 2;
        await().atMost(Duration.ofMinutes(1)).until(() -> outbox.marked.get() == expected);
        assertEquals(CLAIMS, outbox.served.get(), "one claim after another until a claim comes back short");
        assertTrue(outbox.firstClaimCollectedAtCheck,
                "the first claim's rows were still reachable from the drain at claim " + CHECK_AT);
    }

    private static IgmeConfig config() {
        return ConfigFromEnv.of(Map.of(
                "IGME_ROLES", "replier",
                "IGME_ACCOUNTS__" + ACCOUNT + "__ACCESS_TOKEN", "token",
                "IGME_ACCOUNTS__" + ACCOUNT + "__RATE_LIMIT", "1000000"));
    }

    /** An outbox of {@code CLAIMS} claims' worth of due rows, answering on another thread. */
    private final class Backlog extends ReplyOutbox {

        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger marked = new AtomicInteger();
        private final List<WeakReference<Due>> firstClaim = new ArrayList<>();
        volatile boolean firstClaimCollectedAtCheck;

        Backlog() {
            super(null, null, new ObjectMapper());
        }

        @Override
        public Uni<Integer> failAbandoned(Duration sendingTimeout) {
            return Uni.createFrom().item(0);
        }

        @Override
        public Uni<List<Verdict>> claim(int limit, Instant now, Function<List<Due>, List<Verdict>> triage) {
            int claim = served.incrementAndGet();
            if (claim == CHECK_AT) {
                firstClaimCollectedAtCheck = collected();
            }
            int rows = claim < CLAIMS ? limit : claim == CLAIMS ? limit / 2 : 0;
            List<Due> due = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                String user = "user-" + claim + "-" + i;
                // a reply's text of a realistic size, so that what is held shows
                due.add(new Due(claim * 1000L + i, "attribution-" + claim + "-" + i, new ConversationKey(ACCOUNT, user),
                        "Thanks for scanning! ".repeat(20), List.of(), 1, now, null, "delivery-" + claim, null));
            }
            if (claim == 1) {
                due.forEach(d -> firstClaim.add(new WeakReference<>(d)));
            }
            List<Verdict> verdicts = triage.apply(due);
            return Uni.createFrom().item(verdicts).emitOn(io);
        }

        @Override
        public Uni<Void> markAllSent(List<Map.Entry<Long, String>> sent, Instant now) {
            marked.addAndGet(sent.size());
            return Uni.createFrom().voidItem().emitOn(io);
        }

        /** Whether every row of the first claim has been collected, after asking for a few full collections. */
        private boolean collected() {
            for (int attempt = 0; attempt < 5; attempt++) {
                System.gc();
                if (firstClaim.stream().allMatch(ref -> ref.get() == null)) {
                    return true;
                }
            }
            return false;
        }
    }
}
