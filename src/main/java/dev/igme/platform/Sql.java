package dev.igme.platform;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.pgclient.PgException;

/** What every store needs of the reactive PostgreSQL client: time values, LIKE prefixes, error classes. */
public final class Sql {

    private Sql() {
    }

    /** A {@code timestamptz} parameter; null stays null. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** A {@code timestamptz} column as an instant; null stays null. */
    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    public static List<Row> list(RowSet<Row> rows) {
        List<Row> list = new ArrayList<>(rows.size());
        rows.forEach(list::add);
        return list;
    }

    /**
     * A LIKE pattern matching values that start with {@code prefix} literally; use it with
     * {@code like $n escape '!'} so that {@code %} and {@code _} in the prefix match themselves.
     */
    public static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /**
     * True for errors that the same rows would cause again (bad data, a limit), as opposed to the
     * database being unreachable or busy: retrying those would stall a consumer forever.
     */
    public static boolean isDataError(Throwable failure) {
        if (failure instanceof PgException pg && pg.getSqlState() != null) {
            String sqlClass = pg.getSqlState().substring(0, 2);
            return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
        }
        return false;
    }
}
