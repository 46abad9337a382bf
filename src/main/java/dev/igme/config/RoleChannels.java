package dev.igme.config;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Switches off the Kafka consumers of roles this instance does not have, before the messaging
 * extension starts them: an ingress-only instance opens no consumer at all. Derived from
 * {@code igme.roles}, so that operators set one property, not one per channel.
 */
public class RoleChannels implements ConfigSourceFactory {

    static final Map<Role, String> CONSUMER_BY_ROLE = Map.of(
            Role.NORMALIZER, "webhook-raw-in",
            Role.REPLIER, "attributions-in");

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue value = context.getValue(Role.PROPERTY);
        Set<Role> roles = Role.parse(value == null ? null : value.getValue());
        Map<String, String> properties = new java.util.HashMap<>();
        CONSUMER_BY_ROLE.forEach((role, channel) -> {
            if (!roles.contains(role)) {
                properties.put("mp.messaging.incoming." + channel + ".enabled", "false");
            }
        });
        return java.util.List.of(new PropertiesConfigSource(properties, "igme-roles", 500));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(500);
    }
}
