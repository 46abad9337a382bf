package dev.igme.platform;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import dev.igme.config.IgmeConfig;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.Startup;

/**
 * Applies the versioned Flyway migrations at startup, after the configuration checks (lower
 * {@link Startup} values run first), rather than through {@code quarkus.flyway.migrate-at-start}:
 * that runs before any bean and would report a missing webhook secret as a database error. Flyway
 * is looked up only where the roles use the database: elsewhere the datasource is inactive
 * ({@link RoleChannels}) and may not be configured at all.
 */
@ApplicationScoped
public class SchemaMigration {

    /** Startup order: configuration checks use lower values. */
    public static final int STARTUP_ORDER = 100;

    private final InjectableInstance<Flyway> flyway;
    private final Roles roles;
    private final IgmeConfig config;

    public SchemaMigration(InjectableInstance<Flyway> flyway, Roles roles, IgmeConfig config) {
        this.flyway = flyway;
        this.roles = roles;
        this.config = config;
    }

    @Startup(STARTUP_ORDER)
    void migrate() {
        if (config.database().migrateOnly()) {
            migrateNow();
            Log.info("Migrations applied (igme.database.migrate-only): exiting");
            Quarkus.asyncExit(0);
            return;
        }
        if (!roles.usesDatabase()) {
            Log.infof("Roles %s use no database: no migration", roles.all());
            return;
        }
        if (!config.database().migrateAtStart()) {
            Log.info("Migrations are left to a separate job (igme.database.migrate-at-start=false)");
            return;
        }
        migrateNow();
    }

    private void migrateNow() {
        Flyway migrations = flyway.get();
        MigrateResult result = migrations.migrate();
        Log.infof("Database schema migrated: %d migration(s) applied, schema version %s", result.migrationsExecuted,
                migrations.info().current() == null ? "none" : migrations.info().current().getVersion());
    }
}
