package dev.igme.platform;

import java.util.Set;

import jakarta.inject.Singleton;

import dev.igme.config.IgmeConfig;

/** The roles of this instance, for the parts that decide at runtime whether to act. */
@Singleton
public class Roles {

    private final Set<Role> roles;

    public Roles(IgmeConfig config) {
        this.roles = Set.copyOf(Role.parse(config.roles()));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The normalizer and replier keep their state in PostgreSQL; an ingress-only instance never connects. */
    public boolean usesDatabase() {
        return Role.useDatabase(roles);
    }

    /** Serves {@code /api/**} (and runs Hibernate): instances with the replier role. */
    public boolean servesApi() {
        return Role.servesApi(roles);
    }

    public Set<Role> all() {
        return roles;
    }
}
