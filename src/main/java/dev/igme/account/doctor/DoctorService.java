package dev.igme.account.doctor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.account.activity.SilenceWatchdog;
import dev.igme.account.icebreakers.IceBreakerFiles;
import dev.igme.account.token.TokenLifecycle;
import dev.igme.account.token.TokenState;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.graph.GraphAccountClient;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Examines accounts: asks the Graph API the three questions (whose token, which subscription,
 * which ice breakers) at once, adds what the service knows (token lifetime, deliveries), and lets
 * the pure {@link Doctor} judge. Keeps each account's latest report for the list API and the
 * per-account gauges {@code igme.account.doctor.findings} (by severity) and
 * {@code igme.account.token.expires.in} (seconds; NaN when not known).
 */
@ApplicationScoped
public class DoctorService {

    private final Accounts accounts;
    private final GraphAccountClient graph;
    private final TokenLifecycle tokens;
    private final SilenceWatchdog watchdog;
    private final IceBreakerFiles iceBreakers;
    private final IgmeConfig config;
    private final Clock clock;
    private final boolean replier;
    private final Map<String, DoctorReport> latest = new ConcurrentHashMap<>();

    public DoctorService(Accounts accounts, GraphAccountClient graph, TokenLifecycle tokens, SilenceWatchdog watchdog,
            IceBreakerFiles iceBreakers, IgmeConfig config, Clock clock, Roles roles) {
        this.accounts = accounts;
        this.graph = graph;
        this.tokens = tokens;
        this.watchdog = watchdog;
        this.iceBreakers = iceBreakers;
        this.config = config;
        this.clock = clock;
        this.replier = roles.has(Role.REPLIER);
    }

    void registerGauges(@Observes StartupEvent start, MeterRegistry registry) {
        if (!replier) {
            return;
        }
        for (String account : accounts.ids()) {
            for (Finding.Severity severity : Finding.Severity.values()) {
                Gauge.builder("igme.account.doctor.findings", () -> latest(account).map(r -> r.count(severity)).orElse(0L))
                        .description("Findings of the account's latest doctor check, by severity")
                        .tag("account", account).tag("severity", severity.name()).register(registry);
            }
            Gauge.builder("igme.account.token.expires.in", () -> expiresIn(account))
                    .description("Seconds until the account's token expires (NaN: not known)").baseUnit("seconds")
                    .tag("account", account).register(registry);
        }
    }

    public Optional<DoctorReport> latest(String igAccountId) {
        return Optional.ofNullable(latest.get(igAccountId));
    }

    /** Checks one account now; the account must exist. */
    public Uni<DoctorReport> examine(Account account) {
        String id = account.igAccountId();
        IgmeConfig.Account settings = config.accounts().get(id);
        return Uni.combine().all().unis(graph.whoAmI(account), graph.subscribedApps(account), graph.iceBreakers(account),
                watchdog.refresh().onFailure().recoverWithNull()).asTuple()
                .map(answers -> Doctor.examine(new Doctor.Facts(id, account.flavour(), settings.subscribeStandby(),
                        settings.expectDeliveriesWithin().orElse(null), iceBreakers.wanted(id), answers.getItem1(),
                        answers.getItem2(), answers.getItem3(), tokens.state(id), watchdog.activity(id), clock.instant())))
                .invoke(report -> latest.put(id, report));
    }

    /** Checks every account, one after the other (a handful of calls each). */
    public Uni<List<DoctorReport>> examineAll() {
        return Multi.createFrom().iterable(accounts.all()).onItem().transformToUniAndConcatenate(this::examine)
                .collect().asList();
    }

    private double expiresIn(String account) {
        TokenState state = tokens.state(account);
        return state.expiresAt() == null ? Double.NaN
                : Duration.between(clock.instant(), state.expiresAt()).toMillis() / 1000.0;
    }

    /** When the account was last checked, or null. */
    public Instant checkedAt(String account) {
        return latest(account).map(DoctorReport::checkedAt).orElse(null);
    }
}
