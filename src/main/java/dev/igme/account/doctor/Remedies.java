package dev.igme.account.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.graph.GraphAccountClient;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * What the service can fix itself: subscribe the webhook fields that are missing, and set the
 * ice breakers. Each returns a {@link Outcome}: done, or the finding that says why Meta refused.
 */
@ApplicationScoped
public class Remedies {

    /** The result of a fix; {@code problem} is null when it was done. */
    public record Outcome(String done, Finding problem) {

        static Outcome ok(String done) {
            return new Outcome(done, null);
        }

        static Outcome failed(Finding problem) {
            return new Outcome(null, problem);
        }

        public boolean ok() {
            return problem == null;
        }
    }

    private final GraphAccountClient graph;
    private final IgmeConfig config;
    private final ObjectMapper mapper;

    public Remedies(GraphAccountClient graph, IgmeConfig config, ObjectMapper mapper) {
        this.graph = graph;
        this.config = config;
        this.mapper = mapper;
    }

    /** Adds the missing required fields to the subscription, keeping the fields already there. */
    public Uni<Outcome> subscribe(Account account) {
        boolean standby = config.accounts().get(account.igAccountId()).subscribeStandby();
        return graph.subscribedApps(account).chain(current -> {
            if (!current.isOk()) {
                return Uni.createFrom().item(Outcome.failed(Doctor.problem(Finding.Check.SUBSCRIPTION, current.error(),
                        "reading the webhook subscription")));
            }
            Set<String> subscribed = Doctor.subscribedFields(current.body());
            List<String> missing = Doctor.missingFields(account.flavour(), standby, subscribed);
            if (missing.isEmpty() && !subscribed.isEmpty()) {
                return Uni.createFrom().item(Outcome.ok("nothing to do: subscribed to " + String.join(", ", subscribed)));
            }
            Set<String> fields = new LinkedHashSet<>(subscribed);
            fields.addAll(Doctor.requiredFields(account.flavour(), standby));
            List<String> wanted = new ArrayList<>(fields);
            return graph.subscribe(account, wanted).map(answer -> {
                if (!answer.isOk()) {
                    return Outcome.failed(Doctor.problem(Finding.Check.SUBSCRIPTION, answer.error(), "subscribing the webhook fields"));
                }
                Log.infof("Subscribed account %s to %s", account.igAccountId(), wanted);
                return Outcome.ok("subscribed to " + String.join(", ", wanted));
            });
        });
    }

    /** Sets the ice breakers; they are validated first, so that nothing invalid reaches Meta. */
    public Uni<Outcome> setIceBreakers(Account account, IceBreakers iceBreakers) {
        iceBreakers.validate();
        return graph.setIceBreakers(account, iceBreakers.toMeta(mapper)).map(answer -> {
            if (!answer.isOk()) {
                return Outcome.failed(Doctor.problem(Finding.Check.ICE_BREAKERS, answer.error(), "setting the ice breakers"));
            }
            Log.infof("Set the ice breakers of account %s (%d locale(s))", account.igAccountId(), iceBreakers.locales().size());
            return Outcome.ok("ice breakers set");
        });
    }
}
