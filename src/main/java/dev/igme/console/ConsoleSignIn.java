package dev.igme.console;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.config.IgmeConfig;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Who the console's visitor is. A signed-in identity (OpenID Connect code flow, when an issuer is
 * configured) comes first, with its roles from the same claim as the API's; otherwise the demo user
 * of {@code igme.console.demo-roles} (local run, tests); otherwise nobody, and the console refuses
 * every page. That last case is the production default: a console nobody configured is closed.
 */
@ApplicationScoped
public class ConsoleSignIn {

    private final CurrentIdentityAssociation identities;
    private final Optional<ConsoleUser> demo;

    public ConsoleSignIn(CurrentIdentityAssociation identities, IgmeConfig config) {
        this.identities = identities;
        this.demo = demoUser(config.console());
        demo.ifPresent(user -> Log.warnf("Console: every visitor is signed in as the demo user %s (admin: %s)"
                + " because igme.console.demo-roles is set; never set it in production", user.name(), user.admin()));
    }

    static Optional<ConsoleUser> demoUser(IgmeConfig.Console console) {
        return console.demoRoles().filter(roles -> !roles.isEmpty())
                .map(roles -> ConsoleUser.of(console.demoUser(), new HashSet<>(roles), false));
    }

    /** The visitor, or null when nobody is signed in (and no demo user is configured). */
    public Uni<ConsoleUser> user() {
        return identities.getDeferredIdentity().map(this::user);
    }

    ConsoleUser user(SecurityIdentity identity) {
        if (identity != null && !identity.isAnonymous()) {
            Set<String> roles = identity.getRoles();
            return ConsoleUser.of(identity.getPrincipal().getName(), roles, true);
        }
        return demo.orElse(null);
    }
}
