package dev.igme.link;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.platform.Sql;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code campaign} and {@code link} tables, and the only code that writes them. */
@ApplicationScoped
public class LinkStore {

    /** Filters of a link listing; null means any. */
    public record LinkQuery(String campaignId, Channel channel, Boolean archived, String labelPrefix, int limit,
            String afterId) {
    }

    private static final String CAMPAIGN_COLUMNS =
            "id, name, ig_account_id, description, starts_at, ends_at, archived_at, created_at, updated_at";
    private static final String LINK_COLUMNS = "l.id, l.campaign_id, c.ig_account_id, l.channel, l.label, l.slug,"
            + " l.ref, l.route, l.expires_at, l.archived_at, l.created_at, l.updated_at";

    private final InjectableInstance<Pool> pool;

    public LinkStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /** Inserts the campaign; false when the id is taken. */
    public Uni<Boolean> insertCampaign(Campaign.Input c) {
        return pool.get().preparedQuery("""
                INSERT INTO campaign (id, name, ig_account_id, description, starts_at, ends_at)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING""")
                .execute(Tuple.of(c.id(), c.name(), c.igAccountId(), c.description(), utc(c.startsAt()), utc(c.endsAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Replaces the campaign's editable fields; false when there is none. */
    public Uni<Boolean> updateCampaign(String id, Campaign.Input c) {
        return pool.get().preparedQuery("""
                UPDATE campaign SET name = $2, description = $3, starts_at = $4, ends_at = $5, updated_at = now()
                WHERE id = $1""")
                .execute(Tuple.of(id, c.name(), c.description(), utc(c.startsAt()), utc(c.endsAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Archives the campaign and its links (their refs keep being read, the redirect answers 410). */
    public Uni<Boolean> archiveCampaign(String id, Instant at) {
        return pool.get().withTransaction(connection -> connection.preparedQuery(
                "UPDATE campaign SET archived_at = COALESCE(archived_at, $2), updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, utc(at)))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : connection.preparedQuery("UPDATE link SET archived_at = COALESCE(archived_at, $2),"
                                + " updated_at = now() WHERE campaign_id = $1").execute(Tuple.of(id, utc(at)))
                                .replaceWith(true)));
    }

    public Uni<Campaign> campaign(String id) {
        return pool.get().preparedQuery("SELECT " + CAMPAIGN_COLUMNS + " FROM campaign WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> first(rows) == null ? null : campaign(first(rows)));
    }

    /** Newest first; {@code afterId} continues after that campaign. */
    public Uni<List<Campaign>> campaigns(String igAccountId, Boolean archived, int limit, String afterId) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (igAccountId != null) {
            params.add(igAccountId);
            where.add("ig_account_id = $" + params.size());
        }
        if (archived != null) {
            where.add(archived ? "archived_at IS NOT NULL" : "archived_at IS NULL");
        }
        if (afterId != null) {
            params.add(afterId);
            where.add("(created_at, id) < (SELECT created_at, id FROM campaign WHERE id = $" + params.size() + ")");
        }
        params.add(limit);
        return pool.get().preparedQuery("SELECT " + CAMPAIGN_COLUMNS + " FROM campaign"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC LIMIT $" + params.size())
                .execute(Tuple.from(params)).map(rows -> {
                    List<Campaign> list = new ArrayList<>();
                    rows.forEach(row -> list.add(campaign(row)));
                    return list;
                });
    }

    /** Inserts the link; false when the id is taken (a new random id is then tried by the caller). */
    public Uni<Boolean> insertLink(String id, String campaignId, Channel channel, String label, String slug, String ref,
            String route, Instant expiresAt) {
        return pool.get().preparedQuery("""
                INSERT INTO link (id, campaign_id, channel, label, slug, ref, route, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""")
                .execute(Tuple.from(new Object[] {id, campaignId, channel.name(), label, slug, ref, route, utc(expiresAt)}))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Replaces what may change of a link (its ref is minted again when its expiry changes). */
    public Uni<Boolean> updateLink(String id, Channel channel, String label, String route, Instant expiresAt,
            String ref) {
        return pool.get().preparedQuery("""
                UPDATE link SET channel = $2, label = $3, route = $4, expires_at = $5, ref = $6, updated_at = now()
                WHERE id = $1""")
                .execute(Tuple.from(new Object[] {id, channel.name(), label, route, utc(expiresAt), ref}))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> archiveLink(String id, Instant at) {
        return pool.get().preparedQuery(
                "UPDATE link SET archived_at = COALESCE(archived_at, $2), updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, utc(at))).map(rows -> rows.rowCount() == 1);
    }

    public Uni<StoredLink> link(String id) {
        return pool.get().preparedQuery("SELECT " + LINK_COLUMNS
                + " FROM link l JOIN campaign c ON c.id = l.campaign_id WHERE l.id = $1")
                .execute(Tuple.of(id)).map(rows -> first(rows) == null ? null : link(first(rows)));
    }

    /** Newest first. */
    public Uni<List<StoredLink>> links(LinkQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.campaignId() != null) {
            params.add(q.campaignId());
            where.add("l.campaign_id = $" + params.size());
        }
        if (q.channel() != null) {
            params.add(q.channel().name());
            where.add("l.channel = $" + params.size());
        }
        if (q.archived() != null) {
            where.add(q.archived() ? "l.archived_at IS NOT NULL" : "l.archived_at IS NULL");
        }
        if (q.labelPrefix() != null) {
            params.add(Sql.likePrefix(q.labelPrefix()));
            where.add("l.label LIKE $" + params.size() + " ESCAPE '!'");
        }
        if (q.afterId() != null) {
            params.add(q.afterId());
            where.add("(l.created_at, l.id) < (SELECT created_at, id FROM link WHERE id = $" + params.size() + ")");
        }
        params.add(q.limit());
        return pool.get().preparedQuery("SELECT " + LINK_COLUMNS + " FROM link l JOIN campaign c ON c.id = l.campaign_id"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY l.created_at DESC, l.id DESC LIMIT $" + params.size())
                .execute(Tuple.from(params)).map(LinkStore::links);
    }

    /** Every link, for publishing the directory again. */
    public Uni<List<StoredLink>> allLinks() {
        return pool.get().query("SELECT " + LINK_COLUMNS + " FROM link l JOIN campaign c ON c.id = l.campaign_id")
                .execute().map(LinkStore::links);
    }

    /** Campaign and channel of each of these links that exists: what the normalizer adds to events. */
    public Uni<Map<String, StoredLink>> linksById(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.get().preparedQuery("SELECT " + LINK_COLUMNS
                + " FROM link l JOIN campaign c ON c.id = l.campaign_id WHERE l.id = ANY($1)")
                .execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
                    Map<String, StoredLink> byId = new HashMap<>();
                    rows.forEach(row -> byId.put(row.getString("id"), link(row)));
                    return byId;
                });
    }

    private static List<StoredLink> links(RowSet<Row> rows) {
        List<StoredLink> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(link(row)));
        return list;
    }

    private static Row first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    private static Campaign campaign(Row row) {
        return new Campaign(row.getString("id"), row.getString("name"), row.getString("ig_account_id"),
                row.getString("description"), instant(row, "starts_at"), instant(row, "ends_at"),
                instant(row, "archived_at"), instant(row, "created_at"), instant(row, "updated_at"));
    }

    private static StoredLink link(Row row) {
        return new StoredLink(row.getString("id"), row.getString("campaign_id"), row.getString("ig_account_id"),
                Channel.valueOf(row.getString("channel")), row.getString("label"), row.getString("slug"),
                row.getString("ref"), row.getString("route"), instant(row, "expires_at"), instant(row, "archived_at"),
                instant(row, "created_at"), instant(row, "updated_at"));
    }
}
