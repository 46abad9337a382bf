package dev.igme.account.doctor;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.account.icebreakers.IceBreakerFiles;
import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Every {@code igme.doctor.interval} on the replier: examines every account, logs what is wrong,
 * and with {@code igme.doctor.auto-fix} subscribes missing fields and sets the configured ice
 * breakers where Meta has none or others, then examines that account again.
 */
@ApplicationScoped
public class DoctorJob {

    private final DoctorService doctor;
    private final Remedies remedies;
    private final Accounts accounts;
    private final IceBreakerFiles iceBreakers;
    private final IgmeConfig.Doctor config;
    private final boolean replier;

    public DoctorJob(DoctorService doctor, Remedies remedies, Accounts accounts, IceBreakerFiles iceBreakers,
            IgmeConfig config, Roles roles) {
        this.doctor = doctor;
        this.remedies = remedies;
        this.accounts = accounts;
        this.iceBreakers = iceBreakers;
        this.config = config.doctor();
        this.replier = roles.has(Role.REPLIER);
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            // first check soon after start (tokens read first), then every interval
            Jobs.every(scheduler, "Account doctor", config.interval(), Duration.ofSeconds(15),
                    () -> run(config.autoFix()));
        }
    }

    /** One round over every account; {@code autoFix} as {@code igme.doctor.auto-fix}. */
    public Uni<Void> run(boolean autoFix) {
        return Multi.createFrom().iterable(accounts.all()).onItem().transformToUniAndConcatenate(a -> checkAndFix(a, autoFix))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> checkAndFix(Account account, boolean autoFix) {
        return doctor.examine(account).chain(report -> {
            for (Finding finding : report.findings()) {
                if (finding.severity() == Finding.Severity.ERROR) {
                    Log.errorf("Account %s, %s: %s", account.igAccountId(), finding.check(), finding.message());
                } else if (finding.severity() == Finding.Severity.WARNING) {
                    Log.warnf("Account %s, %s: %s", account.igAccountId(), finding.check(), finding.message());
                }
            }
            if (!autoFix) {
                return Uni.createFrom().voidItem();
            }
            Uni<Boolean> fixed = Uni.createFrom().item(false);
            if (report.finding(Finding.Check.SUBSCRIPTION).fixable()) {
                fixed = fixed.chain(any -> remedies.subscribe(account).map(outcome -> log(account, outcome) || any));
            }
            IceBreakers wanted = iceBreakers.wanted(account.igAccountId());
            if (wanted != null && report.finding(Finding.Check.ICE_BREAKERS).fixable()) {
                fixed = fixed.chain(any -> remedies.setIceBreakers(account, wanted).map(outcome -> log(account, outcome) || any));
            }
            return fixed.chain(any -> any ? doctor.examine(account).replaceWithVoid() : Uni.createFrom().voidItem());
        });
    }

    private static boolean log(Account account, Remedies.Outcome outcome) {
        if (outcome.ok()) {
            Log.infof("Account %s: %s", account.igAccountId(), outcome.done());
        } else {
            Log.warnf("Account %s: could not fix: %s", account.igAccountId(), outcome.problem().message());
        }
        return outcome.ok();
    }
}
