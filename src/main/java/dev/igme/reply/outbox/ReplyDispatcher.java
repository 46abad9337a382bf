package dev.igme.reply.outbox;

import dev.igme.reply.rules.ReplyRule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import dev.igme.conversation.MessagingWindow;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.graph.GraphClient;
import dev.igme.graph.GraphError;
import dev.igme.graph.OutgoingMessage;
import dev.igme.graph.SendResult;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Sends what the outbox holds: claims due PENDING rows, checks the window again (it may have
 * closed while the row waited), waits for the account's rate limit, calls the Send API, and
 * records the outcome. Temporary and rate-limit errors are retried with capped exponential
 * backoff and jitter, never past the window's end; every other error is final.
 */
@ApplicationScoped
public class ReplyDispatcher {

    private static final int CLAIM_SIZE = 256;
    private static final int CONCURRENCY = GraphClient.MAX_CONCURRENT_CALLS;
    private static final TypeReference<List<ReplyRule.QuickReply>> QUICK_REPLIES = new TypeReference<>() { };

    private final ReplyOutbox outbox;
    private final Accounts accounts;
    private final GraphClient graph;
    private final AccountRateLimiter limiter;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final IgmeConfig.Reply config;
    private final boolean replier;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public ReplyDispatcher(ReplyOutbox outbox, Accounts accounts, GraphClient graph, AccountRateLimiter limiter,
            ObjectMapper mapper, Clock clock, IgmeConfig config, Roles roles) {
        this.replier = roles.has(Role.REPLIER);
        this.outbox = outbox;
        this.accounts = accounts;
        this.graph = graph;
        this.limiter = limiter;
        this.mapper = mapper;
        this.clock = clock;
        this.config = config.reply();
    }

    /** Wakes the dispatcher now (a new reply is due) instead of at its next tick. */
    public void kick() {
        dispatch().subscribe().with(ignored -> { }, e -> Log.warnf("Reply dispatch failed: %s", e.toString()));
    }

    @Scheduled(every = "${igme.reply.dispatch-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            // not once shutdown began: the database pool closes before the scheduler stops ticking
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        if (!replier) {
            return Uni.createFrom().voidItem();
        }
        return dispatch().onFailure().invoke(e -> Log.warnf("Reply dispatch failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> dispatch() {
        if (!running.compareAndSet(false, true)) {
            again.set(true); // the running pass will go round once more
            return Uni.createFrom().voidItem();
        }
        return outbox.failAbandoned(config.sendingTimeout())
                .invoke(n -> {
                    if (n > 0) {
                        Log.warnf("%d reply(s) were left SENDING by a stopped instance: marked FAILED_AMBIGUOUS, not resent", n);
                    }
                })
                .chain(this::drain)
                .eventually(() -> {
                    running.set(false);
                    if (again.getAndSet(false)) {
                        kick();
                    }
                });
    }

    private Uni<Void> drain() {
        return outbox.claimDue(CLAIM_SIZE, clock.instant()).chain(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<List<ReplyOutbox.Due>> groups = new ArrayList<>();
            for (int i = 0; i < due.size(); i += CONCURRENCY) {
                groups.add(due.subList(i, Math.min(due.size(), i + CONCURRENCY)));
            }
            Uni<Void> sent = Multi.createFrom().iterable(groups).onItem().transformToUniAndConcatenate(this::sendGroup)
                    .collect().last().replaceWithVoid();
            return due.size() == CLAIM_SIZE ? sent.chain(this::drain) : sent;
        });
    }

    /**
     * One group of claimed rows: checks, rate-limit waits (still CLAIMED, so a crash loses nothing),
     * one statement marking the rest SENDING, the calls in parallel, one statement marking the sent.
     */
    private Uni<Void> sendGroup(List<ReplyOutbox.Due> group) {
        List<Map.Entry<ReplyOutbox.Due, Account>> ready = Collections.synchronizedList(new ArrayList<>());
        Uni<Void> checked = Multi.createFrom().iterable(group).onItem().transformToUni(reply -> check(reply, ready))
                .merge(CONCURRENCY).collect().last().replaceWithVoid();
        return checked.chain(() -> {
            List<Map.Entry<ReplyOutbox.Due, Account>> checkedRows = List.copyOf(ready);
            List<Map.Entry<Long, String>> sentRows = Collections.synchronizedList(new ArrayList<>());
            return outbox.markSending(checkedRows.stream().map(Map.Entry::getKey).toList())
                    .chain(held -> Multi.createFrom().iterable(checkedRows)
                            .select().where(e -> held.contains(e.getKey().id()))
                            .onItem().transformToUni(e -> send(e.getKey(), e.getValue(), sentRows))
                            .merge(CONCURRENCY).collect().last())
                    .chain(() -> outbox.markAllSent(sentRows, clock.instant()));
        });
    }

    /** Final answers that need no call; otherwise waits for the account's rate limit and adds the row to {@code ready}. */
    private Uni<Void> check(ReplyOutbox.Due reply, List<Map.Entry<ReplyOutbox.Due, Account>> ready) {
        Account account = accounts.find(reply.igAccountId()).orElse(null);
        if (account == null) {
            return outbox.markFinal(reply.id(), "FAILED_ACCOUNT_NOT_CONFIGURED", "the account is no longer configured");
        }
        if (account.pausedFor(reply.pausedTokenFingerprint())) {
            return outbox.markFinal(reply.id(), "SKIPPED_ACCOUNT_PAUSED", "the account is paused");
        }
        MessagingWindow window = MessagingWindow.after(reply.lastInboundAt());
        if (!window.openAt(clock.instant(), config.windowMargin())) {
            return outbox.markFinal(reply.id(), "FAILED_WINDOW_CLOSED", "the window closed before the reply could be sent");
        }
        return limiter.acquire(account).chain(() -> {
            if (!window.openAt(clock.instant(), config.windowMargin())) {
                return outbox.markFinal(reply.id(), "FAILED_WINDOW_CLOSED", "the window closed while waiting for the rate limit");
            }
            ready.add(Map.entry(reply, account));
            return Uni.createFrom().voidItem();
        });
    }

    /** Sends one reply; a success is added to {@code sentRows} (marked SENT in one batch), anything else recorded now. */
    private Uni<Void> send(ReplyOutbox.Due reply, Account account, List<Map.Entry<Long, String>> sentRows) {
        MessagingWindow window = MessagingWindow.after(reply.lastInboundAt());
        OutgoingMessage message = new OutgoingMessage(reply.igsid(), reply.text(), quickReplies(reply));
        return graph.send(account, message).chain(result -> {
            if (result.isSent()) {
                Log.debugf("Reply %d to %s for %s, attempt %d: sent as %s", reply.id(), reply.igsid(), account,
                        reply.attempts(), result.messageId());
                sentRows.add(Map.entry(reply.id(), result.messageId()));
                return Uni.createFrom().voidItem();
            }
            return record(reply, account, window, result);
        });
    }

    private Uni<Void> record(ReplyOutbox.Due reply, Account account, MessagingWindow window, SendResult result) {
        Log.debugf("Reply %d to %s for %s, attempt %d: %s", reply.id(), reply.igsid(), account,
                reply.attempts(), result.error().describe());
        GraphError error = result.error();
        String status = "FAILED_" + error.kind().name();
        switch (error.kind()) {
            case TOKEN_INVALID:
                Log.errorf("Meta rejected the access token of account %s (%s): replies for it are paused until the"
                        + " token is replaced", account.igAccountId(), error.describe());
                return outbox.pause(account.igAccountId(), account.tokenFingerprint(), error.describe())
                        .chain(() -> outbox.markFinal(reply.id(), status, error.describe()));
            case DM_ACCESS_DISABLED:
                Log.errorf("Account %s has turned off API access to its messages (%s)", account.igAccountId(),
                        error.describe());
                return outbox.markFinal(reply.id(), status, error.describe());
            case RATE_LIMITED:
                limiter.backOff(account, backoff(reply.attempts()));
                return retryOrGiveUp(reply, window, error, status);
            case TEMPORARY:
                return retryOrGiveUp(reply, window, error, status);
            case AMBIGUOUS:
                if (config.retryAfterTimeout()) {
                    return retryOrGiveUp(reply, window, error, status);
                }
                return outbox.markFinal(reply.id(), status, error.describe()
                        + "; not retried: Meta may have delivered it (igme.reply.retry-after-timeout=false)");
            default:
                return outbox.markFinal(reply.id(), status, error.describe());
        }
    }

    private Uni<Void> retryOrGiveUp(ReplyOutbox.Due reply, MessagingWindow window, GraphError error, String status) {
        if (reply.attempts() >= config.maxAttempts()) {
            return outbox.markFinal(reply.id(), status, error.describe() + " (after " + reply.attempts() + " attempts)");
        }
        Instant next = clock.instant().plus(backoff(reply.attempts()));
        if (!window.openAt(next, config.windowMargin())) {
            return outbox.markFinal(reply.id(), "FAILED_WINDOW_CLOSED", error.describe()
                    + "; the next attempt would fall after the window's end");
        }
        return outbox.reschedule(reply.id(), next, error.describe());
    }

    /** Capped exponential backoff with ±20 % jitter: attempt 1 → about the initial backoff. */
    Duration backoff(int attempt) {
        return backoff(attempt, config.retryInitialBackoff(), config.retryMaxBackoff(),
                ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }

    static Duration backoff(int attempt, Duration initial, Duration max, double jitter) {
        double exponential = initial.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) (Math.min(exponential, max.toMillis()) * jitter));
    }

    private List<OutgoingMessage.QuickReply> quickReplies(ReplyOutbox.Due reply) {
        if (reply.quickReplies() == null) {
            return List.of();
        }
        try {
            return mapper.readValue(reply.quickReplies(), QUICK_REPLIES).stream()
                    .map(q -> new OutgoingMessage.QuickReply(q.title(), q.payload())).toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply " + reply.id() + " holds invalid quick replies", e);
        }
    }
}
