package dev.igme.platform;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What an instance does ({@code igme.roles}, comma-separated; default all three). One image runs
 * as one Deployment per role in Kubernetes, or all roles in one process.
 */
public enum Role {
    /** Serves the webhook; needs Kafka only. */
    INGRESS,
    /** Consumes the raw topic into PostgreSQL and the attribution topic. */
    NORMALIZER,
    /** Consumes the attribution topic and sends replies. */
    REPLIER;

    public static final String PROPERTY = "igme.roles";

    /** The normalizer and replier keep their state in PostgreSQL; the ingress needs Kafka only. */
    public static boolean useDatabase(Set<Role> roles) {
        return roles.contains(NORMALIZER) || roles.contains(REPLIER);
    }

    /**
     * The read and rule API ({@code /api/**}, on Hibernate Reactive) is served where the replier
     * runs: the replier owns the reply rules, and a normalizer-only instance then loads no ORM.
     */
    public static boolean servesApi(Set<Role> roles) {
        return roles.contains(REPLIER);
    }

    /** Parses {@code ingress,normalizer}; a blank value means all roles. */
    public static Set<Role> parse(String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.allOf(Role.class);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : value.split(",")) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + " has the unknown role '" + name
                        + "'; known roles: ingress, normalizer, replier");
            }
        }
        return roles.isEmpty() ? EnumSet.allOf(Role.class) : roles;
    }
}
