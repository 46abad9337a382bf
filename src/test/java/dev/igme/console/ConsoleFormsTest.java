package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Deliveries;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The console's forms are protected against cross-site requests: a POST needs the token of the
 * page it came from (in a hidden field, matching the cookie set with the page). A page that
 * another site makes a browser post to has neither, and changes nothing.
 */
@QuarkusTest
public class ConsoleFormsTest {

    static String newId() {
        return "cf" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    @Test
    void aFormPostedWithoutThePagesTokenIsRefused_andChangesNothing() {
        String id = newId();
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("id", id).formParam("name", "Forged").formParam("igAccountId", Deliveries.ACCOUNT)
                .post("/console/campaigns").then().statusCode(400);
        // other spellings of the path reach the same resource, and the same check
        for (String path : java.util.List.of("/console;x=y/campaigns", "/console/campaigns;x=y")) {
            given().urlEncodingEnabled(false).redirects().follow(false).contentType("application/x-www-form-urlencoded")
                    .body("id=" + id + "&name=Forged&igAccountId=" + Deliveries.ACCOUNT)
                    .post(path).then().statusCode(400);
        }
        // a token that is not the cookie's
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("igme-console-csrf", "c29tZS1jb29raWUtdG9rZW4").formParam("csrf-token", "another-token")
                .formParam("id", id).formParam("name", "Forged").formParam("igAccountId", Deliveries.ACCOUNT)
                .post("/console/campaigns").then().statusCode(400);
        given().get("/console/campaigns/" + id).then().statusCode(404);
        given().get("/console/campaigns").then().statusCode(200).body(not(containsString(id)));
    }

    @Test
    void theSameFormWithThePagesTokenCreatesTheCampaign() {
        Response page = given().get("/console/campaigns");
        page.then().statusCode(200).contentType(containsString("text/html"));
        String cookie = page.getCookie("igme-console-csrf");
        String token = page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        String id = newId();
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").cookie("igme-console-csrf", cookie)
                .formParam("csrf-token", token).formParam("id", id).formParam("name", "Real")
                .formParam("igAccountId", Deliveries.ACCOUNT)
                .post("/console/campaigns").then().statusCode(303).header("Location", endsWith("/console/campaigns/" + id));
        given().get("/console/campaigns/" + id).then().statusCode(200).body(containsString("Real"));
    }

    @Test
    void aCampaignFormWithABadIdIsShownAgainWithTheErrorBesideTheId() {
        Response page = given().get("/console/campaigns");
        String cookie = page.getCookie("igme-console-csrf");
        String token = page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        given().contentType("application/x-www-form-urlencoded").cookie("igme-console-csrf", cookie)
                .formParam("csrf-token", token).formParam("id", "Not An Id").formParam("name", "Bad")
                .formParam("igAccountId", Deliveries.ACCOUNT)
                .post("/console/campaigns").then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("id=\"campaign-id-error\">id must be 1-40 of a-z 0-9"))
                .body(containsString("value=\"Not An Id\""));
    }
}
