package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A rule's quick reply buttons are edited in the console as lines of {@code title | payload}: they
 * reach the stored rule (what the Send API call carries), come back in the edit form, and a button
 * the API refuses is shown beside the box with its line, changing nothing.
 */
@QuarkusTest
public class ConsoleQuickRepliesTest {

    /** A form post carrying the page's CSRF token. */
    static RequestSpecification form(String page) {
        Response shown = given().get(page);
        shown.then().statusCode(200);
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("igme-console-csrf", shown.getCookie("igme-console-csrf"))
                .formParam("csrf-token", shown.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value"));
    }

    static RequestSpecification rule(RequestSpecification form, String name, String quickReplies) {
        return form.formParam("name", name).formParam("match.type", "PREFIX").formParam("match.pattern", name)
                .formParam("scenarios", "NEW_THREAD_MESSAGE").formParam("enabled", "true").formParam("priority", "0")
                .formParam("cooldownSeconds", "0").formParam("message.text", "What would you like to know?")
                .formParam("message.quickReplies", quickReplies);
    }

    static List<Map<String, String>> stored(long id) {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).get("/api/v1/reply-rules/" + id).then().statusCode(200)
                .extract().jsonPath().getList("message.quickReplies");
    }

    @Test
    void buttonsTypedAsLinesAreStored_shownAgain_andARefusedOneIsShownBesideTheBox() {
        String name = "qr-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String location = rule(form("/console/rules/new"), name, "Sizes | SIZES\r\n\r\nOpening hours\r\n")
                .post("/console/rules").then().statusCode(303).extract().header("Location");
        long id = Long.parseLong(location.substring(location.indexOf("#rule-") + "#rule-".length()));
        assertEquals(List.of(Map.of("title", "Sizes", "payload", "SIZES"),
                Map.of("title", "Opening hours", "payload", "Opening hours")), stored(id));

        // the edit form shows them as typed
        given().get("/console/rules/" + id).then().statusCode(200)
                .body(containsString(">Sizes | SIZES\nOpening hours\n</textarea>"));

        // a title Instagram would cut: refused beside the box, with its line, and nothing changes
        rule(form("/console/rules/" + id), name, "Sizes | SIZES\nA title far longer than twenty | LONG")
                .post("/console/rules/" + id).then().statusCode(400)
                .body(containsString("id=\"rule-quick-replies-error\">line 2: the title is longer than 20 characters"))
                .body(containsString("A title far longer than twenty | LONG</textarea>"));
        assertEquals(2, stored(id).size());

        // buttons the lines cannot spell (a '|' in a title, through the API) survive a save that leaves the box as shown
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body(given().auth().oauth2(Tokens.withRoles("igme-admin")).get("/api/v1/reply-rules/" + id).then()
                        .extract().asString().replace("\"title\":\"Sizes\"", "\"title\":\"S|M|L\""))
                .put("/api/v1/reply-rules/" + id).then().statusCode(200);
        String shown = given().get("/console/rules/" + id).htmlPath()
                .getString("**.find { it.@id == 'rule-quick-replies' }");
        rule(form("/console/rules/" + id), name, shown).post("/console/rules/" + id)
                .then().statusCode(303);
        assertEquals(List.of(Map.of("title", "S|M|L", "payload", "SIZES"),
                Map.of("title", "Opening hours", "payload", "Opening hours")), stored(id));

        // cleared: the rule has none
        rule(form("/console/rules/" + id), name, "").post("/console/rules/" + id).then().statusCode(303);
        assertEquals(List.of(), stored(id));
    }
}
