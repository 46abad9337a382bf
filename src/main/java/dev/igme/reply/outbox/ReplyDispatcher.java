package dev.igme.reply.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
 * closed while the row waited), moves the rows whose account's rate limit lets them go at once
 * straight to SENDING in the claim's own statement (PENDING → SENDING → SENT: three writes per
 * reply, counting its insert), holds the others CLAIMED until their turn, calls the Send API, and
 * records the outcome. Temporary and rate-limit errors are retried with capped exponential
 * backoff and jitter, never past the window's end; every other error is final.
 */
@ApplicationScoped
public class ReplyDispatcher {

    /** The name of a Send API call's span (tracing on). */
    public static final String SEND_SPAN = "Send API";
    /**
     * Calls in flight at most ({@code igme.reply.max-calls-in-flight}), and so the most rows per
     * claim: a row is SENDING only while its call can be on the wire (a crash leaves at most this
     * many ambiguous), and the rows that wait for the rate limit add no more calls than that either;
     * the next claim starts when this one's calls ended.
     */
    private final int claimSize;

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
        this.claimSize = this.config.maxCallsInFlight();
        if (claimSize < 1) {
            throw new IllegalStateException("igme.reply.max-calls-in-flight must be at least 1, not " + claimSize);
        }
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

    /**
     * Claims and sends one claim after another while they come back full. A loop, not each claim
     * chained inside the one before: that kept every earlier claim's rows, maps and results
     * reachable until the backlog was empty, so a drain held heap in proportion to its backlog
     * (60,160 claimed rows live 16 s into a benchmark drain of 100,000, BENCHMARKS.md) and a large
     * enough backlog would have run the replier out of memory.
     */
    private Uni<Void> drain() {
        return Multi.createBy().repeating().uni(this::claimAndSend).whilst(full -> full)
                .onItem().ignoreAsUni();
    }

    /** One claim, its calls and their outcomes; true when the claim was full (more may be due). */
    private Uni<Boolean> claimAndSend() {
        Map<Long, Account> accountOf = new HashMap<>();
        Map<Long, Long> startAt = new HashMap<>();
        return outbox.claim(claimSize, clock.instant(), due -> triage(due, accountOf, startAt)).chain(verdicts -> {
            if (verdicts.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            List<ReplyOutbox.Due> now = new ArrayList<>();
            List<ReplyOutbox.Due> later = new ArrayList<>();
            for (ReplyOutbox.Verdict verdict : verdicts) {
                if (verdict.status() == ReplyStatus.SENDING) {
                    now.add(verdict.due());
                } else if (verdict.status() == ReplyStatus.CLAIMED) {
                    later.add(verdict.due());
                }
            }
            Uni<Void> sentNow = sendAll(now, accountOf);
            Uni<Void> sentLater = later.isEmpty() ? Uni.createFrom().voidItem()
                    : Multi.createFrom().iterable(later)
                            .onItem().transformToUni(reply -> afterWait(reply, accountOf.get(reply.id()), startAt.get(reply.id())))
                            .merge(claimSize).collect().last().replaceWithVoid();
            return Uni.combine().all().unis(sentNow, sentLater).discardItems().replaceWith(verdicts.size() == claimSize);
        });
    }

    /**
     * Decides, for each claimed row and inside the claim's transaction, where it goes: a final
     * status when it may no longer be sent (the window may have closed while it waited), SENDING
     * when its account's rate limit lets its call start at once, CLAIMED when the call has to wait
     * (no call is made while CLAIMED, so a crash during the wait loses nothing: the row is handed
     * back). Pure but for the rate limiter's reservations.
     */
    private List<ReplyOutbox.Verdict> triage(List<ReplyOutbox.Due> due, Map<Long, Account> accountOf,
            Map<Long, Long> startAt) {
        List<ReplyOutbox.Verdict> verdicts = new ArrayList<>(due.size());
        for (ReplyOutbox.Due reply : due) {
            Optional<Account> account = accounts.find(reply.conversation().igAccountId());
            ReplyDecision.SkipReason skip = unsendable(reply, account, MessagingWindow.after(reply.lastInboundAt()));
            if (skip != null) {
                verdicts.add(new ReplyOutbox.Verdict(reply, notSent(reply, skip), reason(skip, "before the reply could be sent")));
                continue;
            }
            Duration wait = limiter.reserve(account.get());
            accountOf.put(reply.id(), account.get());
            if (wait.isZero()) {
                verdicts.add(new ReplyOutbox.Verdict(reply, ReplyStatus.SENDING, null));
            } else {
                startAt.put(reply.id(), System.nanoTime() + wait.toNanos());
                verdicts.add(new ReplyOutbox.Verdict(reply, ReplyStatus.CLAIMED, null));
            }
        }
        return verdicts;
    }

    /** The calls of SENDING rows in parallel, then one statement marking the sent ones. */
    private Uni<Void> sendAll(List<ReplyOutbox.Due> sending, Map<Long, Account> accountOf) {
        if (sending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<Long, String>> sentRows = Collections.synchronizedList(new ArrayList<>());
        return Multi.createFrom().iterable(sending)
                .onItem().transformToUni(reply -> send(reply, accountOf.get(reply.id()), sentRows))
                .merge(claimSize).collect().last()
                .chain(() -> recorded(() -> outbox.markAllSent(List.copyOf(sentRows), clock.instant())));
    }

    /**
     * An outcome is written again until it is stored (the database may be restarting), for at
     * most {@code sending-timeout}: the calls were made, and a row left SENDING past that would be
     * marked FAILED_AMBIGUOUS anyway. The writes only move rows that are still SENDING or CLAIMED,
     * so writing one twice changes nothing.
     */
    private Uni<Void> recorded(java.util.function.Supplier<Uni<? extends Void>> write) {
        return Uni.createFrom().deferred(write)
                .onFailure().invoke(e -> Log.warnf("Recording a reply's outcome failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).withJitter(0.2)
                .expireIn(config.sendingTimeout().toMillis());
    }

    /**
     * A CLAIMED row after its rate-limit wait: checked again (the window may have closed while it
     * waited), then moved to SENDING only if this claim still holds it (a row waited on past
     * {@code sending-timeout} may have been handed back and claimed by another dispatcher), sent.
     */
    private Uni<Void> afterWait(ReplyOutbox.Due reply, Account account, long startAtNanos) {
        Uni<Void> turn = Uni.createFrom().voidItem();
        long wait = startAtNanos - System.nanoTime();
        return (wait > 0 ? turn.onItem().delayIt().by(Duration.ofNanos(wait)) : turn).chain(() -> {
            ReplyDecision.SkipReason after = unsendable(reply, Optional.of(account),
                    MessagingWindow.after(reply.lastInboundAt()));
            if (after != null) {
                return outbox.markClaimedFinal(reply, notSent(reply, after), reason(after, "while waiting for the rate limit"));
            }
            return outbox.markSending(List.of(reply)).chain(held -> held.contains(reply.id())
                    ? sendAll(List.of(reply), Map.of(reply.id(), account))
                    : Uni.createFrom().voidItem());
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
            return recorded(() -> record(reply, account, window, result));
        }).onFailure().recoverWithUni(e -> {
            // the other rows of the group still get their outcome; this one stays SENDING and ends ambiguous
            Log.errorf("The outcome of reply %d could not be recorded: %s", reply.id(), e.toString());
            return Uni.createFrom().voidItem();
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
