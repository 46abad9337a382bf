package dev.igme.link.identity;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code identity_binding} table: which Instagram user of an account is which of the business's
 * own ids, learnt from verified personal refs. Written by the normalizer inside its transaction
 * ({@link #bind}); read by the identities API.
 */
@ApplicationScoped
public class IdentityStore {

    /** One binding: the user followed a personal ref carrying {@code externalId}. */
    public record Binding(String igAccountId, String igsid, String externalId, String linkId, String attributionId,
            Instant at) {
    }

    /** A binding as the API answers it. */
    public record Identity(String igAccountId, String igsid, String externalId, String linkId,
            String firstAttributionId, Instant firstBoundAt, Instant lastBoundAt) {
    }

    private final InjectableInstance<Pool> pool;

    public IdentityStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /** Records the bindings on the caller's connection; a repeated binding only moves {@code last_bound_at}. */
    public Uni<Void> bind(SqlConnection connection, Collection<Binding> bindings) {
        if (bindings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = bindings.stream()
                .sorted(Comparator.comparing(Binding::igAccountId).thenComparing(Binding::igsid)
                        .thenComparing(Binding::externalId))
                .map(b -> Tuple.from(new Object[] {b.igAccountId(), b.igsid(), b.externalId(), b.linkId(),
                        b.attributionId(), utc(b.at())}))
                .toList();
        return connection.preparedQuery("""
                INSERT INTO identity_binding AS i (ig_account_id, igsid, external_id, link_id, attribution_id,
                                                   first_bound_at, last_bound_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6)
                ON CONFLICT (ig_account_id, igsid, external_id) DO UPDATE SET
                    first_bound_at = LEAST(i.first_bound_at, EXCLUDED.first_bound_at),
                    last_bound_at = GREATEST(i.last_bound_at, EXCLUDED.last_bound_at)""")
                .executeBatch(rows).replaceWithVoid();
    }

    /** Every user bound to the external id, newest binding first. */
    public Uni<List<Identity>> byExternalId(String externalId, int limit) {
        return query("WHERE external_id = $1 ORDER BY last_bound_at DESC LIMIT $2", Tuple.of(externalId, limit));
    }

    /** The external ids the user is bound to, newest first. */
    public Uni<List<Identity>> byUser(String igAccountId, String igsid) {
        return query("WHERE ig_account_id = $1 AND igsid = $2 ORDER BY last_bound_at DESC LIMIT 100",
                Tuple.of(igAccountId, igsid));
    }

    private Uni<List<Identity>> query(String where, Tuple params) {
        return pool.get().preparedQuery("SELECT ig_account_id, igsid, external_id, link_id, attribution_id,"
                + " first_bound_at, last_bound_at FROM identity_binding " + where).execute(params).map(rows -> {
                    List<Identity> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new Identity(row.getString("ig_account_id"), row.getString("igsid"),
                                row.getString("external_id"), row.getString("link_id"), row.getString("attribution_id"),
                                instant(row, "first_bound_at"), instant(row, "last_bound_at")));
                    }
                    return list;
                });
    }
}
