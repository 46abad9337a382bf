package dev.igme.reply.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.conversation.MessagingWindow;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.graph.GraphClient;
import dev.igme.graph.GraphError;
import dev.igme.graph.OutgoingMessage;
import dev.igme.graph.SendResult;
import dev.igme.platform.Jobs;
import dev.igme.platform.LogContext;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import dev.igme.platform.Tracing;
import io.opentelemetry.api.trace.Span;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
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

    /** The name of a Send API call's span (tracing on). */
    public static final String SEND_SPAN = "Send API";
    private static final int CLAIM_SIZE = 256;
    private static final int CONCURRENCY = GraphClient.MAX_CONCURRENT_CALLS;

    private final ReplyOutbox outbox;
    private final Accounts accounts;
    private final GraphClient graph;
    private final AccountRateLimiter limiter;
    private final Clock clock;
    private final IgmeConfig.Reply config;
    private final boolean replier;
    private final Tracing tracing;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public ReplyDispatcher(ReplyOutbox outbox, Accounts accounts, GraphClient graph, AccountRateLimiter limiter,
            Clock clock, IgmeConfig config, Roles roles, Tracing tracing) {
        this.tracing = tracing;
        this.replier = roles.has(Role.REPLIER);
        this.outbox = outbox;
        this.accounts = accounts;
        this.graph = graph;
        this.limiter = limiter;
        this.clock = clock;
        this.config = config.reply();
    }

    /** Wakes the dispatcher now (a new reply is due) instead of at its next tick. */
    public void kick() {
        dispatch().subscribe().with(ignored -> { }, e -> Log.warnf("Reply dispatch failed: %s", e.toString()));
    }

    /** Every {@code igme.reply.dispatch-interval}, on instances with the replier role. */
    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            Jobs.every(scheduler, "Reply dispatch", config.dispatchInterval(), Duration.ofSeconds(2), this::dispatch);
        }
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

    /**
     * The decision's "still sendable?" check again (the window may have closed while the row
     * waited), before and after the account's rate limit; a row that passes joins {@code ready}.
     */
    private Uni<Void> check(ReplyOutbox.Due reply, List<Map.Entry<ReplyOutbox.Due, Account>> ready) {
        Optional<Account> account = accounts.find(reply.conversation().igAccountId());
        MessagingWindow window = MessagingWindow.after(reply.lastInboundAt());
        ReplyDecision.SkipReason before = unsendable(reply, account, window);
        if (before != null) {
            return outbox.markFinal(reply.id(), notSent(reply, before), reason(before, "before the reply could be sent"));
        }
        return limiter.acquire(account.get()).chain(() -> {
            ReplyDecision.SkipReason after = unsendable(reply, account, window);
            if (after != null) {
                return outbox.markFinal(reply.id(), notSent(reply, after), reason(after, "while waiting for the rate limit"));
            }
            ready.add(Map.entry(reply, account.get()));
            return Uni.createFrom().voidItem();
        });
    }

    private ReplyDecision.SkipReason unsendable(ReplyOutbox.Due reply, Optional<Account> account, MessagingWindow window) {
        return ReplyDecision.unsendable(account, reply.pausedTokenFingerprint(), window, clock.instant(),
                config.windowMargin());
    }

    /**
     * SKIPPED_ when no call was made for the reply; a retry (an earlier attempt called Meta and
     * failed) whose window closed before its next attempt ends FAILED_WINDOW_CLOSED instead.
     */
    private static ReplyStatus notSent(ReplyOutbox.Due reply, ReplyDecision.SkipReason reason) {
        boolean called = reply.attempts() > 1;
        return called && reason == ReplyDecision.SkipReason.WINDOW_CLOSED ? ReplyStatus.FAILED_WINDOW_CLOSED
                : ReplyStatus.skipped(reason);
    }

    private static String reason(ReplyDecision.SkipReason reason, String when) {
        return switch (reason) {
            case ACCOUNT_NOT_CONFIGURED -> "the account is no longer configured";
            case ACCOUNT_PAUSED -> "the account is paused";
            case WINDOW_CLOSED -> "the window closed " + when;
            default -> reason.name();
        };
    }

    /** Sends one reply; a success is added to {@code sentRows} (marked SENT in one batch), anything else recorded now. */
    private Uni<Void> send(ReplyOutbox.Due reply, Account account, List<Map.Entry<Long, String>> sentRows) {
        MessagingWindow window = MessagingWindow.after(reply.lastInboundAt());
        OutgoingMessage message = new OutgoingMessage(reply.conversation().igsid(), reply.text(), reply.quickReplies());
        // tracing on: the call as a client span in the delivery's trace (stored with the row by the replier)
        Span span = tracing.enabled() && reply.traceParent() != null
                ? tracing.client(SEND_SPAN, Tracing.fromTraceParent(reply.traceParent())) : null;
        Uni<SendResult> call = graph.send(account, message);
        if (span != null) {
            span.setAttribute("igme.reply_id", reply.id());
            span.setAttribute("igme.account_flavour", account.flavour().name());
            span.setAttribute("igme.attribution_id", reply.attributionId());
            span.setAttribute("igme.attempt", reply.attempts());
            call = call.invoke(result -> {
                span.setAttribute("igme.outcome", result.isSent() ? "sent" : result.error().kind().name());
                Tracing.end(span, null);
            }).onFailure().invoke(failure -> Tracing.end(span, failure));
        }
        return call.chain(result -> {
            if (result.isSent()) {
                if (Log.isDebugEnabled()) {
                    log(reply, () -> Log.debugf("Reply %d to %s for %s, attempt %d: sent as %s", reply.id(),
                            reply.conversation().igsid(), account, reply.attempts(), result.messageId()));
                }
                sentRows.add(Map.entry(reply.id(), result.messageId()));
                return Uni.createFrom().voidItem();
            }
            return record(reply, account, window, result);
        });
    }

    /** A line about one reply: its delivery's and attribution's ids in the MDC. */
    private static void log(ReplyOutbox.Due reply, Runnable line) {
        LogContext.with(reply.deliveryId(), reply.attributionId(), line);
    }

    private Uni<Void> record(ReplyOutbox.Due reply, Account account, MessagingWindow window, SendResult result) {
        if (Log.isDebugEnabled()) {
            log(reply, () -> Log.debugf("Reply %d to %s for %s, attempt %d: %s", reply.id(), reply.conversation().igsid(),
                    account, reply.attempts(), result.error().describe()));
        }
        GraphError error = result.error();
        ReplyStatus status = ReplyStatus.failed(error.kind());
        switch (error.kind()) {
            case TOKEN_INVALID:
                log(reply, () -> Log.errorf("Meta rejected the access token of account %s (%s): replies for it are"
                        + " paused until the token is replaced", account.igAccountId(), error.describe()));
                return outbox.pause(account.igAccountId(), account.tokenFingerprint(), error.describe())
                        .chain(() -> outbox.markFinal(reply.id(), status, error.describe()));
            case DM_ACCESS_DISABLED:
                log(reply, () -> Log.errorf("Account %s has turned off API access to its messages (%s)",
                        account.igAccountId(), error.describe()));
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

    private Uni<Void> retryOrGiveUp(ReplyOutbox.Due reply, MessagingWindow window, GraphError error, ReplyStatus status) {
        if (reply.attempts() >= config.maxAttempts()) {
            return outbox.markFinal(reply.id(), status, error.describe() + " (after " + reply.attempts() + " attempts)");
        }
        Instant next = clock.instant().plus(backoff(reply.attempts()));
        if (!window.openAt(next, config.windowMargin())) {
            return outbox.markFinal(reply.id(), ReplyStatus.FAILED_WINDOW_CLOSED, error.describe()
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

}
