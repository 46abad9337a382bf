package dev.igme.account.token;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code account_token} table: per account, which configured token the service is using
 * (by fingerprint, never the token), since when, and the token it refreshed from it, sealed by
 * {@link TokenCipher}. A row belongs to one configured token: when the configured token changes,
 * the row starts over (its refreshed token, made from the old one, is dropped).
 */
@ApplicationScoped
public class TokenStore {

    /** One account's row. {@code sealed} is the refreshed token, encrypted, or null. */
    public record Stored(String igAccountId, String sourceFingerprint, Instant inUseSince, String sealed,
            Instant refreshedAt, Instant expiresAt, String refreshError, Instant refreshFailedAt) {
    }

    private final InjectableInstance<Pool> pool;

    public TokenStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /**
     * Records the configured token of each account (id → fingerprint), starting a row over when
     * it changed, and returns every account's row: one batched statement and one query.
     */
    public Uni<Map<String, Stored>> observe(Map<String, String> sourceFingerprints, Instant now) {
        List<Tuple> rows = sourceFingerprints.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Tuple.of(e.getKey(), e.getValue(), utc(now))).toList();
        Uni<Void> upsert = rows.isEmpty() ? Uni.createFrom().voidItem() : pool.get().preparedQuery("""
                INSERT INTO account_token (ig_account_id, source_fingerprint, in_use_since) VALUES ($1, $2, $3)
                ON CONFLICT (ig_account_id) DO UPDATE SET source_fingerprint = EXCLUDED.source_fingerprint,
                    in_use_since = EXCLUDED.in_use_since, token_sealed = NULL, refreshed_at = NULL, expires_at = NULL,
                    refresh_error = NULL, refresh_failed_at = NULL, updated_at = now()
                WHERE account_token.source_fingerprint <> EXCLUDED.source_fingerprint""")
                .executeBatch(rows).replaceWithVoid();
        return upsert.chain(() -> pool.get().query("""
                SELECT ig_account_id, source_fingerprint, in_use_since, token_sealed, refreshed_at, expires_at,
                       refresh_error, refresh_failed_at FROM account_token""").execute())
                .map(result -> {
                    Map<String, Stored> stored = new HashMap<>();
                    for (Row row : result) {
                        stored.put(row.getString("ig_account_id"), new Stored(row.getString("ig_account_id"),
                                row.getString("source_fingerprint"), instant(row, "in_use_since"),
                                row.getString("token_sealed"), instant(row, "refreshed_at"), instant(row, "expires_at"),
                                row.getString("refresh_error"), instant(row, "refresh_failed_at")));
                    }
                    return stored;
                });
    }

    /** Stores a refreshed token (sealed) for the row of that configured token; a row started over since is left alone. */
    public Uni<Void> refreshed(String igAccountId, String sourceFingerprint, String sealed, Instant at, Instant expiresAt) {
        return pool.get().preparedQuery("""
                UPDATE account_token SET token_sealed = $3, refreshed_at = $4, expires_at = $5, refresh_error = NULL,
                    refresh_failed_at = NULL, updated_at = now()
                WHERE ig_account_id = $1 AND source_fingerprint = $2""")
                .execute(Tuple.of(igAccountId, sourceFingerprint, sealed, utc(at), utc(expiresAt))).replaceWithVoid();
    }

    public Uni<Void> refreshFailed(String igAccountId, String sourceFingerprint, String error, Instant at) {
        return pool.get().preparedQuery("""
                UPDATE account_token SET refresh_error = $3, refresh_failed_at = $4, updated_at = now()
                WHERE ig_account_id = $1 AND source_fingerprint = $2""")
                .execute(Tuple.of(igAccountId, sourceFingerprint, error, utc(at))).replaceWithVoid();
    }
}
