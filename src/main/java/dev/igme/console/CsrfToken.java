package dev.igme.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import io.vertx.ext.web.RoutingContext;

/**
 * The console forms' CSRF token for the templates ({@code {inject:csrf.token}} in a hidden field
 * named {@code {inject:csrf.parameterName}}). {@link ConsoleAccess} reads it from the browser's
 * cookie, or makes one and sets the cookie, before any console page is rendered.
 */
@Named("csrf")
@RequestScoped
public class CsrfToken {

    private final RoutingContext request;

    public CsrfToken(RoutingContext request) {
        this.request = request;
    }

    public String getParameterName() {
        return ConsoleAccess.CSRF_FIELD;
    }

    public String getToken() {
        String token = request.get(ConsoleAccess.CSRF_FIELD);
        return token == null ? "" : token;
    }
}
