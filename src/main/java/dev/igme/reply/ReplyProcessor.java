package dev.igme.reply;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.AttributionEvent;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Accounts;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Consumes {@code instagram.attributions} and records, for every attribution, what the reply
 * decision was: a PENDING row for the outbox to send, or SKIPPED_&lt;reason&gt;. The offset is
 * committed after the row is stored; a repeated event finds the row and changes nothing.
 */
@ApplicationScoped
public class ReplyProcessor {

    /** Consuming end of the attribution topic. */
    public static final String CHANNEL = "attributions-in";

    private final ReplyRules rules;
    private final Accounts accounts;
    private final ReplyOutbox outbox;
    private final ReplyDispatcher dispatcher;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration margin;

    public ReplyProcessor(ReplyRules rules, Accounts accounts, ReplyOutbox outbox, ReplyDispatcher dispatcher,
            ObjectMapper mapper, Clock clock, IgmeConfig config) {
        this.rules = rules;
        this.accounts = accounts;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
        this.clock = clock;
        this.margin = config.reply().windowMargin();
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String json) {
        AttributionEvent event;
        try {
            event = mapper.readValue(json, AttributionEvent.class);
        } catch (JsonProcessingException e) {
            Log.errorf("Skipping a record on instagram.attributions that is not an attribution event: %s", e.getOriginalMessage());
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> decideAndRecord(event))
                .onFailure().invoke(e -> Log.warnf("Reply decision for %s not recorded yet, retrying: %s",
                        event.attributionId(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30)).withJitter(0.2)
                .indefinitely();
    }

    private Uni<Void> decideAndRecord(AttributionEvent event) {
        return Uni.combine().all().unis(rules.current(), outbox.state(event)).asTuple().chain(loaded -> {
            ReplyOutbox.State state = loaded.getItem2();
            var decision = ReplyDecision.decide(new ReplyDecision.Context(event, loaded.getItem1(),
                    accounts.find(event.igAccountId()), state.pausedTokenFingerprint(), state.lastInboundAt(),
                    state.alreadyReplied(), state.lastReplyByRule(), clock.instant(), margin));
            if (decision.skip() == ReplyDecision.SkipReason.ALREADY_REPLIED) {
                return Uni.createFrom().voidItem(); // the existing row stands
            }
            ReplyOutbox.NewReply reply = newReply(event, decision);
            return outbox.insert(reply, clock.instant()).invoke(inserted -> {
                if (inserted && ReplyOutbox.PENDING.equals(reply.status())) {
                    dispatcher.kick();
                }
            }).replaceWithVoid();
        });
    }

    private ReplyOutbox.NewReply newReply(AttributionEvent event, ReplyDecision.Decision decision) {
        ReplyRule rule = decision.rule();
        if (!decision.send()) {
            return new ReplyOutbox.NewReply(event, rule, "SKIPPED_" + decision.skip().name(), null, null,
                    decision.windowExpiresAt(), null);
        }
        String text = MessageTemplate.render(rule.message().text(), event);
        String quickReplies = json(rule.message().quickReplies());
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > RuleValidator.MAX_TEXT_BYTES) {
            return new ReplyOutbox.NewReply(event, rule, "FAILED_MESSAGE_TOO_LONG", text, quickReplies,
                    decision.windowExpiresAt(), "the rendered text is " + bytes + " bytes; the Send API takes "
                            + RuleValidator.MAX_TEXT_BYTES);
        }
        return new ReplyOutbox.NewReply(event, rule, ReplyOutbox.PENDING, text, quickReplies, decision.windowExpiresAt(), null);
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
