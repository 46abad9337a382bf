package dev.igme.platform.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Roles read from the claim {@code smallrye.jwt.path.groups} names: a Keycloak realm puts them
 * under {@code realm_access.roles} and sends no {@code groups} claim.
 */
@QuarkusTest
@TestProfile(KeycloakRolesTest.KeycloakRealm.class)
class KeycloakRolesTest {

    public static class KeycloakRealm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smallrye.jwt.path.groups", "realm_access/roles");
        }
    }

    /** A token shaped like a Keycloak access token: realm roles only, no {@code groups}. */
    private static String keycloak(String... roles) {
        JwtClaimsBuilder claims = Jwt.issuer(Tokens.ISSUER).upn("tester@igme.test")
                .claim("preferred_username", "tester")
                .claim("realm_access", Map.of("roles", List.of(roles)))
                .claim("resource_access", Map.of("igme-api", Map.of("roles", List.of("igme-admin"))))
                .expiresIn(3600);
        return claims.sign();
    }

    @Test
    void aViewerReadsButDoesNotManage() {
        given().auth().oauth2(keycloak("igme-viewer", "offline_access")).when().get("/api/v1/attributions?limit=1")
                .then().statusCode(200);
        given().auth().oauth2(keycloak("igme-viewer", "offline_access")).when().get("/api/v1/reply-rules")
                .then().statusCode(403).body("status", equalTo(403));
    }

    @Test
    void anAdminManages() {
        String admin = keycloak("igme-admin", "igme-viewer");
        given().auth().oauth2(admin).when().get("/api/v1/reply-rules").then().statusCode(200);
        String name = "keycloak-" + UUID.randomUUID();
        String rule = "{\"name\":\"" + name + "\",\"match\":{\"type\":\"GLOB\",\"pattern\":\"" + name + "-*\"},"
                + "\"enabled\":false,\"message\":{\"text\":\"Hi {ref}\"}}";
        String location = given().auth().oauth2(admin).contentType("application/json").body(rule)
                .when().post("/api/v1/reply-rules")
                .then().statusCode(201).body("name", equalTo(name)).extract().header("Location");
        given().auth().oauth2(admin).when().delete(location).then().statusCode(204);
    }

    /** SmallRye JWT's own rule, stated here so that a change of it is noticed: the path is looked up first. */
    @Test
    void aTokenWithoutThePathStillHasItsGroupsClaim() {
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/attributions?limit=1").then().statusCode(200);
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/reply-rules").then().statusCode(403);
    }

    @Test
    void rolesOfAClientAreNotRealmRoles() {
        given().auth().oauth2(keycloak("offline_access")).when().get("/api/v1/reply-rules").then().statusCode(403);
    }
}
