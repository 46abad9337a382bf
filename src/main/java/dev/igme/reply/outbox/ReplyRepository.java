package dev.igme.reply.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.platform.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ReplyRepository implements PanacheRepositoryBase<Reply, Long> {

    /**
     * Newest first. {@code status} is exact, or a prefix when it ends with {@code *} ({@code FAILED_*});
     * {@code beforeId} continues from the previous page.
     */
    @WithSession
    public Uni<List<Reply>> search(String status, String account, String ref, Instant from, Instant to,
            Long beforeId, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (status != null) {
            if (status.endsWith("*")) {
                where.add("status like :status escape '!'");
                params.and("status", Sql.likePrefix(status.substring(0, status.length() - 1)));
            } else {
                where.add("status = :status");
                params.and("status", status);
            }
        }
        if (account != null) {
            where.add("igAccountId = :account");
            params.and("account", account);
        }
        if (ref != null) {
            where.add("ref = :ref");
            params.and("ref", ref);
        }
        if (from != null) {
            where.add("createdAt >= :from");
            params.and("from", from);
        }
        if (to != null) {
            where.add("createdAt < :to");
            params.and("to", to);
        }
        if (beforeId != null) {
            where.add("id < :beforeId");
            params.and("beforeId", beforeId);
        }
        return find(String.join(" and ", where), Sort.descending("id"), params).range(0, limit - 1).list();
    }
}
