package dev.igme.platform;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.arc.InjectableInstance;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Ready only when PostgreSQL answers, on instances whose roles use it; an ingress-only instance
 * stays ready without a database (it needs Kafka alone, which the messaging checks cover).
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    private final InjectableInstance<Pool> pool;
    private final Roles roles;

    public DatabaseReadiness(InjectableInstance<Pool> pool, Roles roles) {
        this.pool = pool;
        this.roles = roles;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!roles.usesDatabase()) {
            return Uni.createFrom().item(HealthCheckResponse.named("postgresql").up().withData("used", false).build());
        }
        return pool.get().query("SELECT 1").execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(rows -> HealthCheckResponse.named("postgresql").up().build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("postgresql").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
