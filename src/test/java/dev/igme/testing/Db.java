package dev.igme.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the service's tables the way an operator would, through the application's own pool. */
public final class Db {

    private Db() {
    }

    public static List<Map<String, Object>> rows(Pool pool, String sql, Object... params) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Row row : pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(10))) {
            Map<String, Object> values = new HashMap<>();
            for (int i = 0; i < row.size(); i++) {
                values.put(row.getColumnName(i), row.getValue(i));
            }
            result.add(values);
        }
        return result;
    }
}
