package dev.igme.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Runs the README's "Database users" SQL on a real PostgreSQL, then the application's Flyway
 * migrations as the schema owner, and checks that the runtime user can do what the roles do (read
 * and write rows, use the sequences, lock rows) and nothing that changes the schema.
 */
class DatabaseUsersTest {

    @Test
    void theOwnerMigratesAndTheRuntimeUserReadsAndWritesRowsButCannotChangeTheSchema() throws Exception {
        List<String> sql = sqlBlocks();
        String[] create = sql.get(0).split("(?m)^\\\\connect igme\\s*$");
        assertEquals(2, create.length, "the first block creates the users and the database, then connects to it");
        Matcher password = Pattern.compile("ROLE (\\w+) LOGIN PASSWORD '([^']*)'").matcher(create[0]);
        List<String> users = new ArrayList<>();
        List<String> passwords = new ArrayList<>();
        while (password.find()) {
            users.add(password.group(1));
            passwords.add(password.group(2));
        }
        assertEquals(List.of("igme_owner", "igme_app"), users);

        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
                execute(admin, create[0]);
            }
            try (Connection admin = postgres.getDatabase("postgres", "igme").getConnection()) {
                execute(admin, create[1]);
            }
            String url = postgres.getJdbcUrl("postgres", "igme").replaceFirst("\\?.*", "");
            Flyway.configure().dataSource(url, "igme_owner", passwords.get(0)).locations("classpath:db/migration").load().migrate();
            try (Connection admin = postgres.getDatabase("postgres", "igme").getConnection()) {
                execute(admin, sql.get(1)); // for a database that already had the tables: harmless on a new one
            }

            try (Connection app = DriverManager.getConnection(url, "igme_app", passwords.get(1));
                    Statement s = app.createStatement()) {
                s.executeUpdate("INSERT INTO reply_rule (name, match_type, pattern, scenarios, accounts, message_text, quick_replies)"
                        + " VALUES ('r', 'EXACT', 'x', '[]', '[]', 'hi', '[]')");
                s.executeUpdate("UPDATE reply_rule SET priority = 1 WHERE name = 'r'");
                s.executeUpdate("INSERT INTO conversation (ig_account_id, igsid, last_inbound_at) VALUES ('1', '2', now())");
                try (ResultSet rs = s.executeQuery("SELECT igsid FROM conversation FOR UPDATE SKIP LOCKED")) {
                    assertTrue(rs.next());
                }
                try (ResultSet rs = s.executeQuery("SELECT max(version) FROM flyway_schema_history")) {
                    assertTrue(rs.next(), "the runtime user can see which migrations ran");
                }
                s.executeUpdate("DELETE FROM reply_rule WHERE name = 'r'");
                for (String ddl : List.of("CREATE TABLE intruder (x int)", "ALTER TABLE attribution ADD COLUMN x int",
                        "DROP TABLE conversation", "CREATE INDEX intruder_idx ON reply (ref)", "TRUNCATE attribution")) {
                    SQLException refused = assertThrows(SQLException.class, () -> s.execute(ddl), ddl);
                    assertTrue(refused.getMessage().contains("permission denied") || refused.getMessage().contains("must be owner"),
                            ddl + ": " + refused.getMessage());
                }
            }
        }
    }

    private static List<String> sqlBlocks() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n### Database users\n");
        assertTrue(start >= 0, "README section Database users");
        String section = readme.substring(start, readme.indexOf("\n### ", start + 1));
        List<String> blocks = new ArrayList<>();
        Matcher block = Pattern.compile("(?s)```sql\n(.*?)```").matcher(section);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        assertEquals(2, blocks.size(), "creating the users, and granting on existing tables");
        return blocks;
    }

    /** Runs statements separated by semicolons at line ends; SQL comments are skipped. */
    private static void execute(Connection connection, String script) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String statement : script.replaceAll("(?m)^--.*$", "").split(";\\s*\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement.strip().replaceFirst(";$", ""));
                }
            }
        }
    }
}
