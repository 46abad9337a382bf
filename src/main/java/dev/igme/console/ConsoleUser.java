package dev.igme.console;

import java.util.Set;

/**
 * Who is looking at the console, and what they may do: viewers see every page, admins also edit
 * (the API's roles {@code igme-viewer} and {@code igme-admin}; an admin is a viewer too).
 * {@code signedIn} is true for a person the OpenID Connect issuer signed in (who can sign out),
 * false for the demo user of the local run.
 */
public record ConsoleUser(String name, boolean admin, boolean viewer, boolean signedIn) {

    public static final String VIEWER = "igme-viewer";
    public static final String ADMIN = "igme-admin";

    static ConsoleUser of(String name, Set<String> roles, boolean signedIn) {
        boolean admin = roles.contains(ADMIN);
        return new ConsoleUser(name, admin, admin || roles.contains(VIEWER), signedIn);
    }
}
