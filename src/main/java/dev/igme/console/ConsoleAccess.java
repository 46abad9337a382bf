package dev.igme.console;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.igme.platform.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Who may open {@code /console}: only instances that serve the API (replier role) serve it; the
 * visitor must be signed in as a viewer, and a form (POST) needs an admin. Refusals are small
 * pages saying why, never JSON.
 */
public class ConsoleAccess {

    static final String USER = "igme.console.user";

    private final boolean served;
    private final ConsoleSignIn signIn;

    public ConsoleAccess(Roles roles, ConsoleSignIn signIn) {
        this.served = roles.servesApi();
        this.signIn = signIn;
    }

    @ServerRequestFilter
    public Uni<Response> signedIn(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals(Pages.ROOT) && !path.startsWith(Pages.ROOT + "/")) {
            return Uni.createFrom().nullItem();
        }
        if (!served) {
            return Uni.createFrom().item(Pages.message(Response.Status.NOT_FOUND, "Not here",
                    "This instance does not have the replier role; the console is served by the replier instances."));
        }
        return signIn.user().map(user -> {
            if (user == null) {
                return Pages.message(Response.Status.FORBIDDEN, "Sign-in is not configured",
                        "Nobody can sign in to this console: configure an OpenID Connect issuer"
                                + " (quarkus.oidc.auth-server-url, see the README, \"Console\").");
            }
            if (!user.viewer()) {
                return Pages.message(Response.Status.FORBIDDEN, "No access",
                        user.name() + " has neither the igme-viewer nor the igme-admin role.");
            }
            if (HttpMethod.POST.equals(request.getMethod()) && !user.admin()) {
                return Pages.message(Response.Status.FORBIDDEN, "Viewers cannot change anything",
                        user.name() + " is a viewer; changes need the igme-admin role.");
            }
            request.setProperty(USER, user);
            return null;
        });
    }
}
