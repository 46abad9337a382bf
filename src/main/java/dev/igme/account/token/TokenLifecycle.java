package dev.igme.account.token;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.graph.GraphAccountClient;
import dev.igme.graph.GraphAnswer;
import dev.igme.platform.Hashes;
import dev.igme.platform.Jobs;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Keeps every account's token current, on the instances that send (replier role), every
 * {@code igme.tokens.file-check-interval}:
 * <ul>
 * <li>re-reads token files ({@code access-token-file}; modification by content, which also works
 * with Kubernetes' symlink-swapping Secret volumes): a new token is used at once, and an account
 * paused because Meta rejected the old token resumes (the pause names the old token);</li>
 * <li>uses the token the service refreshed from the configured one, stored encrypted (so that
 * every replier instance, and a restarted one, uses it);</li>
 * <li>refreshes Instagram Login tokens when {@link TokenPolicy} says so, and records the expiry.</li>
 * </ul>
 * Two instances refreshing the same token at once is harmless: both tokens are valid, the last
 * stored wins. Tokens never appear in a log line: only their fingerprints.
 */
@ApplicationScoped
public class TokenLifecycle {

    private final Accounts accounts;
    private final GraphAccountClient graph;
    private final TokenStore store;
    private final Clock clock;
    private final IgmeConfig.Tokens config;
    private final boolean replier;
    private final Optional<TokenCipher> cipher;
    private final Map<String, Path> files = new HashMap<>();
    /** The configured token of each account (from the property or its file). */
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private final Map<String, TokenStore.Stored> rows = new ConcurrentHashMap<>();

    public TokenLifecycle(Accounts accounts, GraphAccountClient graph, TokenStore store, Clock clock, IgmeConfig config,
            Roles roles) {
        this.accounts = accounts;
        this.graph = graph;
        this.store = store;
        this.clock = clock;
        this.config = config.tokens();
        this.replier = roles.has(Role.REPLIER);
        this.cipher = this.config.encryptionKey().filter(k -> !k.isBlank()).map(TokenCipher::fromBase64);
        config.accounts().forEach((id, account) -> account.accessTokenFile().ifPresent(file -> files.put(id, Path.of(file))));
    }

    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            accounts.all().forEach(account -> sources.put(account.igAccountId(), account.accessToken()));
            Jobs.every(scheduler, "Account tokens", config.fileCheckInterval(), Duration.ofSeconds(1), this::tick);
        }
    }

    /** What the doctor shows about the account's token lifetime. */
    public TokenState state(String igAccountId) {
        TokenStore.Stored row = rows.get(igAccountId);
        if (row == null) {
            return TokenState.unknown(cipher.isPresent());
        }
        return new TokenState(row.inUseSince(), row.refreshedAt(), row.expiresAt(), row.refreshError(), cipher.isPresent());
    }

    /** One round: token files, stored tokens, due refreshes. */
    public Uni<Void> tick() {
        return Uni.createFrom().item(this::readFiles).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(() -> {
                    Map<String, String> fingerprints = new HashMap<>();
                    sources.forEach((id, token) -> fingerprints.put(id, fingerprint(token)));
                    return store.observe(fingerprints, clock.instant());
                })
                .invoke(this::apply)
                .chain(() -> Multi.createFrom().iterable(dueForRefresh()).onItem().transformToUniAndConcatenate(this::refresh)
                        .collect().last())
                .replaceWithVoid();
    }

    /** Blocking file reads: on a worker thread. */
    private Void readFiles() {
        files.forEach((id, file) -> {
            String token = Accounts.readTokenFile(file);
            if (token == null) {
                Log.warnf("The token file of account %s (%s) cannot be read or is empty; keeping the current token", id, file);
            } else if (!token.equals(sources.get(id))) {
                Log.infof("The token file of account %s holds a new token (%s)", id, fingerprint(token));
                sources.put(id, token);
            }
        });
        return null;
    }

    private void apply(Map<String, TokenStore.Stored> stored) {
        rows.putAll(stored);
        sources.forEach((id, source) -> {
            String effective = source;
            TokenStore.Stored row = stored.get(id);
            if (row != null && row.sealed() != null && cipher.isPresent() && row.sourceFingerprint().equals(fingerprint(source))) {
                try {
                    effective = cipher.get().open(row.sealed(), id);
                } catch (IllegalArgumentException e) {
                    Log.warnf("%s; using the configured token", e.getMessage());
                }
            }
            if (accounts.replaceToken(id, effective)) {
                Log.infof("Account %s now uses token %s (%s)", id, fingerprint(effective),
                        effective.equals(source) ? "configured" : "refreshed by the service");
            }
        });
    }

    private List<Account> dueForRefresh() {
        Instant now = clock.instant();
        return accounts.all().stream()
                .filter(a -> a.flavour() == IgmeConfig.Account.Flavour.INSTAGRAM_LOGIN)
                .filter(a -> rows.containsKey(a.igAccountId()))
                .filter(a -> TokenPolicy.refreshDue(state(a.igAccountId()), rows.get(a.igAccountId()).refreshFailedAt(),
                        config.refreshAfter(), now))
                .toList();
    }

    private Uni<Void> refresh(Account account) {
        String id = account.igAccountId();
        String source = fingerprint(sources.get(id));
        Instant now = clock.instant();
        return graph.refreshToken(account).chain(answer -> {
            String token = answer.isOk() ? answer.body().path("access_token").asText("") : "";
            if (token.isBlank()) {
                String error = answer.isOk() ? "the answer holds no access_token" : answer.error().describe();
                Log.warnf("Refreshing the token of account %s failed: %s", id, error);
                return store.refreshFailed(id, source, error, now);
            }
            Instant expiresAt = expiresAt(answer, now);
            String sealed = cipher.get().seal(token, id);
            return store.refreshed(id, source, sealed, now, expiresAt).invoke(() -> {
                rows.computeIfPresent(id, (key, row) -> new TokenStore.Stored(id, row.sourceFingerprint(), row.inUseSince(),
                        sealed, now, expiresAt, null, null));
                accounts.replaceToken(id, token);
                Log.infof("Refreshed the token of account %s (%s), expires at %s", id, fingerprint(token), expiresAt);
            });
        });
    }

    private static Instant expiresAt(GraphAnswer answer, Instant now) {
        long seconds = answer.body().path("expires_in").asLong(0);
        return seconds > 0 ? now.plusSeconds(seconds) : null;
    }

    static String fingerprint(String token) {
        return Hashes.fingerprint(token, 8);
    }
}
