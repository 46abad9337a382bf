package dev.igme.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import dev.igme.platform.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may open {@code /console}: only instances that serve the API (replier role) serve it; the
 * visitor must be signed in as a viewer, and a form (POST) needs an admin and the form's CSRF token.
 * Refusals are small pages saying why, never JSON.
 *
 * <p>The filter applies to the console's resource classes, whatever spelling of the path reached
 * them ({@code /console;x=y/...}, {@code %2E%2E}), not to paths that merely start with
 * {@code /console}. CSRF, by double submit: a console page sets a random token in an HTTP-only,
 * same-site cookie scoped to {@code /console} and in every form's hidden field ({@link CsrfToken});
 * a form post whose field does not equal the cookie changes nothing. (quarkus-rest-csrf was tried
 * first: its check is global and refuses the JSON API's POSTs that carry no form, with 400.)
 */
public class ConsoleAccess {

    static final String USER = "igme.console.user";
    static final String CSRF_COOKIE = "igme-console-csrf";
    static final String CSRF_FIELD = "csrf-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean served;
    private final ConsoleSignIn signIn;

    public ConsoleAccess(Roles roles, ConsoleSignIn signIn) {
        this.served = roles.servesApi();
        this.signIn = signIn;
    }

    /** Bound to the console's resources ({@link ConsolePage}); reads the form first, for its token. */
    @ConsolePage
    @ServerRequestFilter(readBody = true)
    public Uni<Response> signedIn(ResteasyReactiveContainerRequestContext request, ResourceInfo resource,
            RoutingContext routing) {
        Class<?> type = resource == null ? null : resource.getResourceClass();
        if (type == null || !type.getPackageName().equals(ConsoleAccess.class.getPackageName())) {
            return Uni.createFrom().nullItem();
        }
        if (!served) {
            return Uni.createFrom().item(Pages.message(Response.Status.NOT_FOUND, "Not here",
                    "This instance does not have the replier role; the console is served by the replier instances."));
        }
        boolean form = HttpMethod.POST.equals(request.getMethod());
        routing.put(CSRF_FIELD, csrfToken(request, routing));
        return signIn.user().map(user -> {
            if (user == null) {
                return Pages.message(Response.Status.FORBIDDEN, "Sign-in is not configured",
                        "Nobody can sign in to this console: no OpenID Connect issuer is configured"
                                + " (quarkus.oidc.tenant-enabled and quarkus.oidc.auth-server-url; see the README,"
                                + " \"Console\").");
            }
            if (!user.viewer()) {
                return Pages.message(Response.Status.FORBIDDEN, "No access",
                        user.name() + " has neither the igme-viewer nor the igme-admin role.");
            }
            if (form && !user.admin()) {
                return Pages.message(Response.Status.FORBIDDEN, "Viewers cannot change anything",
                        user.name() + " is a viewer; changes need the igme-admin role.");
            }
            if (form && !csrfTokenMatches(request)) {
                return Pages.message(Response.Status.BAD_REQUEST, "The form has expired",
                        "This form did not carry the token of this browser's console session, so nothing was"
                                + " changed. Open the page again and resend the form.");
            }
            request.setProperty(USER, user);
            return null;
        });
    }

    /** This browser's token: the one in its cookie, or a new one, then set as the cookie. */
    private static String csrfToken(ResteasyReactiveContainerRequestContext request, RoutingContext routing) {
        Cookie cookie = request.getCookies().get(CSRF_COOKIE);
        if (cookie != null && cookie.getValue() != null && cookie.getValue().length() >= 22) {
            return cookie.getValue();
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        routing.response().addCookie(io.vertx.core.http.Cookie.cookie(CSRF_COOKIE, token).setPath(Pages.ROOT)
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(routing.request().isSSL()));
        return token;
    }

    /** The double-submit check: the form's hidden token equals the token in the console's cookie. */
    private static boolean csrfTokenMatches(ResteasyReactiveContainerRequestContext request) {
        Cookie cookie = request.getCookies().get(CSRF_COOKIE);
        Object field = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                .getFormParameter(CSRF_FIELD, true, false);
        if (cookie == null || cookie.getValue() == null || cookie.getValue().isEmpty() || !(field instanceof String token)
                || token.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }
}
