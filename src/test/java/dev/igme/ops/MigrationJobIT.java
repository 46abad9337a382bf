package dev.igme.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.igme.platform.Role;
import dev.igme.testing.FreePort;
import dev.igme.testing.KafkaBroker;
import dev.igme.testing.Postgres;
import dev.igme.testing.ServiceProcess;

/**
 * The migration Job of the Kubernetes overlay: the packaged service with
 * {@code igme.database.migrate-only=true} applies the migrations and exits 0; a service with
 * {@code igme.database.migrate-at-start=false} leaves the schema alone.
 */
class MigrationJobIT {

    @Test
    void migrateOnlyAppliesTheMigrationsAndExitsAndMigrateAtStartFalseLeavesThemToIt() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.onFreePorts().start(); Postgres postgres = Postgres.onFreePort().start()) {
            Path log = Path.of("target", "migration-job-it.log");
            Files.deleteIfExists(log);
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.http.port", String.valueOf(FreePort.any()));
            config.put(Role.PROPERTY, "normalizer");
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
            config.put("quarkus.datasource.username", Postgres.USER);
            config.put("quarkus.datasource.password", Postgres.PASSWORD);

            Map<String, String> waiting = new HashMap<>(config);
            waiting.put("igme.database.migrate-at-start", "false");
            try (ServiceProcess service = new ServiceProcess(ServiceProcess.packagedJar(), waiting, log).start("-Xmx128m")) {
                assertEquals(0, tables(postgres), "migrate-at-start=false: the service left the schema alone");
            }

            Map<String, String> job = new HashMap<>(config);
            job.put("igme.database.migrate-only", "true");
            int exit = new ServiceProcess(ServiceProcess.packagedJar(), job, log).runToExit(Duration.ofSeconds(90), "-Xmx128m");

            assertEquals(0, exit, "the job exits 0 once migrated; see " + log);
            assertTrue(tables(postgres) > 5, "the schema exists");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("Migrations applied (igme.database.migrate-only): exiting"), output);
        }
    }

    private static int tables(Postgres postgres) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:" + postgres.reactiveUrl(), Postgres.USER, Postgres.PASSWORD);
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
