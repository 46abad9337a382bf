package dev.igme.link.click;

import static dev.igme.platform.Sql.utc;

import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.link.redirect.ClickEvent;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code link_click} table: each click id stored once, however often its event is delivered. */
@ApplicationScoped
public class ClickStore {

    private final InjectableInstance<Pool> pool;

    public ClickStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    public Uni<Void> insertAll(List<ClickEvent> clicks) {
        if (clicks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = clicks.stream().sorted(Comparator.comparing(ClickEvent::clickId))
                .map(c -> Tuple.of(c.clickId(), c.linkId(), utc(c.at()), c.device(), c.bot() != null)).toList();
        return pool.get().preparedQuery("""
                INSERT INTO link_click (click_id, link_id, clicked_at, device, bot) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (click_id) DO NOTHING""").executeBatch(rows).replaceWithVoid();
    }
}
