package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A console nobody configured sign-in for (no issuer, no demo user, as in production by default) is closed. */
@QuarkusTest
@TestProfile(ConsoleClosedTest.NoSignIn.class)
public class ConsoleClosedTest {

    /** The test configuration without the demo user. */
    public static class NoSignIn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.console.demo-roles", "");
        }
    }

    @Test
    void everyPageIsRefusedWithAPageSayingSignInIsNotConfigured() {
        for (String page : new String[] {"/console", "/console/campaigns", "/console/rules", "/console/replies",
                "/console/attributions", "/console/coupons"}) {
            given().redirects().follow(false).get(page).then().statusCode(403).contentType(containsString("text/html"))
                    .body(containsString("Sign-in is not configured")).body(not(containsString("<table")));
        }
        given().contentType("application/x-www-form-urlencoded").formParam("id", "closed").formParam("name", "x")
                .post("/console/campaigns").then().statusCode(403);
    }
}
