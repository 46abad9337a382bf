package dev.igme.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Switches off what the roles this instance does not have would use, before the extensions start
 * it: the Kafka consumers of absent roles (an ingress-only instance opens no consumer at all), the
 * readiness of their producers (an ingress-only instance stays ready while the broker is away), the
 * datasource where no role uses PostgreSQL (an ingress-only instance needs none configured), and
 * Hibernate wherever the replier does not run (about 4,000 classes, some 20-30 MiB of resident
 * memory that the ingress and the normalizer never use). Derived from {@code igme.roles}, so that
 * operators set one property.
 */
public class RoleChannels implements ConfigSourceFactory {

    static final Map<String, Role> CONSUMERS = Map.of(
            "webhook-raw-in", Role.NORMALIZER,
            "link-clicks-in", Role.NORMALIZER,
            "attributions-in", Role.REPLIER);

    /**
     * Producers by the role that writes with them: their Kafka readiness counts only on instances with
     * that role, so that an ingress-only pod's readiness never waits for the broker. (The ingress's own
     * producers, webhook-raw-out and link-clicks-out, never count: see application.properties.)
     */
    static final Map<String, Role> PRODUCERS = Map.of(
            "attributions-out", Role.NORMALIZER,
            "dead-letters-out", Role.NORMALIZER,
            "attribution-dead-letters-out", Role.REPLIER,
            "links-out", Role.REPLIER);

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue value = context.getValue(Role.PROPERTY);
        Set<Role> roles = Role.parse(value == null ? null : value.getValue());
        ConfigValue migrateOnly = context.getValue("igme.database.migrate-only");
        boolean migrationJob = migrateOnly != null && "true".equalsIgnoreCase(migrateOnly.getValue());
        Map<String, String> properties = new HashMap<>();
        CONSUMERS.forEach((channel, role) -> {
            if (migrationJob || !roles.contains(role)) {
                properties.put("mp.messaging.incoming." + channel + ".enabled", "false");
            }
        });
        PRODUCERS.forEach((channel, role) -> {
            if (!roles.contains(role)) {
                properties.put("mp.messaging.outgoing." + channel + ".health-readiness-enabled", "false");
            }
        });
        if (!migrationJob && !Role.useDatabase(roles)) {
            // the ingress needs Kafka only: no datasource, so none has to be configured, and no
            // connection, migration or health check is attempted
            properties.put("quarkus.datasource.active", "false");
        }
        if (!Role.servesApi(roles)) {
            // Hibernate serves the API and the reply rules only, both on the replier (see ApiRoleFilter);
            // the normalizer writes through the reactive client
            properties.put("quarkus.hibernate-orm.active", "false");
        }
        return List.of(new PropertiesConfigSource(properties, "igme-roles", 500));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(500);
    }
}
