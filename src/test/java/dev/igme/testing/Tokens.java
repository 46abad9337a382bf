package dev.igme.testing;

import java.util.Set;

import io.smallrye.jwt.build.Jwt;

/** Bearer tokens signed with the test key (src/test/resources/jwt), as an identity provider would issue. */
public final class Tokens {

    public static final String ISSUER = "https://igme.test/issuer";

    private Tokens() {
    }

    public static String withRoles(String... roles) {
        return Jwt.issuer(ISSUER).upn("tester@igme.test").groups(Set.of(roles)).expiresIn(3600).sign();
    }

    public static String viewer() {
        return withRoles("igme-viewer");
    }
}
