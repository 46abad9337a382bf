package dev.igme.account.replay;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.platform.Json;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code replay_job} table. A job's positions are stored after every batch; a job is run by
 * one instance at a time ({@code owner}, kept alive by {@code heartbeat_at}), and one whose owner
 * stopped is taken over and resumed from its stored positions.
 */
@ApplicationScoped
public class ReplayStore {

    private static final TypeReference<TreeMap<Integer, ReplayJob.Range>> POSITIONS = new TypeReference<>() { };
    private static final String COLUMNS = "id, kind, topic, range_from, range_to, status, total, processed, positions,"
            + " error, created_at, updated_at, finished_at";

    private final InjectableInstance<Pool> pool;
    private final ObjectMapper mapper;

    public ReplayStore(@WithCaching InjectableInstance<Pool> pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    public Uni<ReplayJob> create(ReplayJob.Kind kind, String topic, Instant from, Instant to,
            Map<Integer, ReplayJob.Range> positions, String owner) {
        long total = positions.values().stream().mapToLong(ReplayJob.Range::remaining).sum();
        return pool.get().preparedQuery("INSERT INTO replay_job (kind, topic, range_from, range_to, status, positions, total,"
                + " owner, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[] {kind.name(), topic, utc(from), utc(to), ReplayJob.Status.RUNNING.name(),
                        Json.write(mapper, positions), total, owner}))
                .map(rows -> job(rows.iterator().next()));
    }

    public Uni<Optional<ReplayJob>> find(long id) {
        return pool.get().preparedQuery("SELECT " + COLUMNS + " FROM replay_job WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(job(rows.iterator().next())));
    }

    public Uni<List<ReplayJob>> recent(int limit) {
        return pool.get().preparedQuery("SELECT " + COLUMNS + " FROM replay_job ORDER BY id DESC LIMIT $1")
                .execute(Tuple.of(limit)).map(rows -> {
                    List<ReplayJob> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(job(row)));
                    return jobs;
                });
    }

    /** The latest finished re-drive: where the next one starts. */
    public Uni<Optional<ReplayJob>> lastRedrive() {
        return pool.get().preparedQuery("SELECT " + COLUMNS + " FROM replay_job WHERE kind = $1 AND status = $2"
                + " ORDER BY id DESC LIMIT 1").execute(Tuple.of(ReplayJob.Kind.REDRIVE.name(), ReplayJob.Status.DONE.name()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(job(rows.iterator().next())));
    }

    /** RUNNING jobs nobody keeps alive (their instance stopped), now owned by {@code owner}. */
    public Uni<List<ReplayJob>> takeOverAbandoned(String owner, int staleSeconds) {
        return pool.get().preparedQuery("UPDATE replay_job SET owner = $1, heartbeat_at = now(), updated_at = now()"
                + " WHERE status = $2 AND owner IS DISTINCT FROM $1"
                + " AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $3))"
                + " RETURNING " + COLUMNS)
                .execute(Tuple.of(owner, ReplayJob.Status.RUNNING.name(), (double) staleSeconds))
                .map(rows -> {
                    List<ReplayJob> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(job(row)));
                    return jobs;
                });
    }

    /** Stores the progress of a batch; false when another instance took the job over. */
    public Uni<Boolean> progress(long id, String owner, Map<Integer, ReplayJob.Range> positions, long processed) {
        return pool.get().preparedQuery("UPDATE replay_job SET positions = $3, processed = $4,"
                + " heartbeat_at = now(), updated_at = now() WHERE id = $1 AND owner = $2 AND status = $5")
                .execute(Tuple.from(new Object[] {id, owner, Json.write(mapper, positions), processed,
                        ReplayJob.Status.RUNNING.name()}))
                .map(result -> result.rowCount() == 1);
    }

    public Uni<Void> finish(long id, String owner, ReplayJob.Status status, String error) {
        return pool.get().preparedQuery("UPDATE replay_job SET status = $3, error = $4, finished_at = now(), updated_at = now()"
                + " WHERE id = $1 AND owner = $2").execute(Tuple.of(id, owner, status.name(), error)).replaceWithVoid();
    }

    private ReplayJob job(Row row) {
        try {
            return new ReplayJob(row.getLong("id"), ReplayJob.Kind.valueOf(row.getString("kind")), row.getString("topic"),
                    instant(row, "range_from"), instant(row, "range_to"), ReplayJob.Status.valueOf(row.getString("status")),
                    row.getLong("total"), row.getLong("processed"),
                    mapper.readValue(row.getString("positions"), POSITIONS), row.getString("error"),
                    instant(row, "created_at"), instant(row, "updated_at"), instant(row, "finished_at"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("replay job " + row.getLong("id") + " holds invalid positions", e);
        }
    }
}
