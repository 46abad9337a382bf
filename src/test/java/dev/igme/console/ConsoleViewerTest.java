package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** A viewer sees the console's pages but cannot change anything, even with a valid form token. */
@QuarkusTest
@TestProfile(ConsoleViewerTest.Viewer.class)
public class ConsoleViewerTest {

    /** The test configuration with a demo user who only has igme-viewer. */
    public static class Viewer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("igme.console.demo-roles", "igme-viewer");
        }
    }

    @Test
    void aViewerSeesThePagesWithoutTheFormsToChangeThem() {
        given().get("/console/campaigns").then().statusCode(200).body(containsString("demo@igme.local · viewer"))
                .body(not(containsString("create-campaign")));
        given().get("/console/rules").then().statusCode(200).body(not(containsString("new-rule")));
    }

    @Test
    void aViewersFormPostIsRefused_andCreatesNothing() {
        Response form = given().get("/console/rules/new");
        String cookie = form.getCookie("igme-console-csrf");
        String token = form.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        String name = "viewer-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        given().contentType("application/x-www-form-urlencoded").cookie("igme-console-csrf", cookie)
                .formParam("csrf-token", token).formParam("name", name).formParam("match.type", "PREFIX")
                .formParam("match.pattern", "x").formParam("scenarios", "NEW_THREAD_MESSAGE")
                .formParam("message.text", "hello").post("/console/rules")
                .then().statusCode(403).body(containsString("Viewers cannot change anything"));
        given().get("/console/rules").then().statusCode(200).body(not(containsString(name)));
    }
}
