package dev.igme.attribution;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.platform.api.QueryParams;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class AttributionRepository implements PanacheRepositoryBase<Attribution, String> {

    /** Length of the indexed ref prefix (attribution_ref_prefix_idx). */
    private static final int INDEXED_PREFIX = 200;

    /** Up to {@code query.limit() + 1} rows, newest first: the extra row tells whether there is a next page. */
    @WithSession
    public Uni<List<Attribution>> search(AttributionQuery query) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (query.account() != null) {
            where.add("igAccountId = :account");
            params.and("account", query.account());
        }
        if (query.ref() != null) {
            where.add("ref = :ref");
            params.and("ref", query.ref());
        }
        if (query.refPrefix() != null) {
            String pattern = QueryParams.likePrefix(query.refPrefix());
            where.add("ref like :prefix escape '!'");
            if (query.refPrefix().length() <= INDEXED_PREFIX) {
                where.add("left(ref, " + INDEXED_PREFIX + ") like :prefix escape '!'");
            }
            params.and("prefix", pattern);
        }
        if (query.scenario() != null) {
            where.add("scenario = :scenario");
            params.and("scenario", query.scenario().name());
        }
        if (query.from() != null) {
            where.add("occurredAt >= :from");
            params.and("from", query.from());
        }
        if (query.to() != null) {
            where.add("occurredAt < :to");
            params.and("to", query.to());
        }
        if (query.after() != null) {
            where.add("(occurredAt < :cursorTime or (occurredAt = :cursorTime and attributionId < :cursorId))");
            params.and("cursorTime", query.after().occurredAt()).and("cursorId", query.after().attributionId());
        }
        String hql = where.isEmpty() ? "" : String.join(" and ", where);
        return find(hql, Sort.descending("occurredAt", "attributionId"), params)
                .range(0, query.limit() - 1)
                .list();
    }
}
