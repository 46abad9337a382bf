package dev.igme.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from zonky's embedded binaries (no system install, works as root).
 * Keeps its data directory, so it can be stopped and started again with the data in place.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "igme";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final Path dataDir;
    /** A temporary data directory of our own, deleted on close. */
    private boolean scratch;
    private final int port;
    private EmbeddedPostgres server;
    /** zonky stops the server in a JVM shutdown hook of its own, unless the owner stops it in order. */
    private boolean shutdownHook = true;

    public Postgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePort.any() : port;
    }

    public static Postgres onFreePort() {
        Postgres result = new Postgres(ScratchDirectory.create("igme-pg"), 0);
        result.scratch = true;
        return result;
    }

    /**
     * Leaves stopping to {@link #close()}: for an owner that must stop the database after what uses
     * it (the local run stops the service first, or the service's last commits would fail).
     */
    public Postgres stoppedByOwner() {
        shutdownHook = false;
        return this;
    }

    public synchronized Postgres start() {
        if (server != null) {
            return this;
        }
        try {
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(shutdownHook)
                    .setServerConfig("max_connections", "100")
                    .start();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER USER " + USER + " PASSWORD '" + PASSWORD + "'");
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the " + DATABASE + " database", e);
        }
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                server = null;
            }
        }
    }

    /** The URL the reactive client takes; Flyway's JDBC URL is "jdbc:" + this. */
    public String reactiveUrl() {
        return "postgresql://localhost:" + port + "/" + DATABASE;
    }

    @Override
    public void close() {
        stop();
        if (scratch) {
            ScratchDirectory.delete(dataDir);
        }
    }
}
