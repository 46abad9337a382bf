package dev.igme.reply.rules;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class ReplyRuleResourceTest {

    private static final String PATH = "/api/v1/reply-rules";

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json");
    }

    private static String rule(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"match\":{\"type\":\"GLOB\",\"pattern\":\"spring-*\",\"caseInsensitive\":true},"
                + "\"scenarios\":[\"ICEBREAKER_POSTBACK\"],\"accounts\":[\"17841400000000001\"],\"priority\":3,"
                + "\"cooldownSeconds\":600,\"enabled\":true,\"message\":{\"text\":\"Hi {ref}\",\"quickReplies\":"
                + "[{\"title\":\"Shop\",\"payload\":\"SHOP\"}]}" + extra + "}";
    }

    @Test
    void createReadUpdateDelete() {
        String name = "crud-" + UUID.randomUUID();
        String location = admin().body(rule(name, "")).when().post(PATH)
                .then().statusCode(201)
                .body("name", equalTo(name))
                .body("match.caseInsensitive", equalTo(true))
                .body("cooldownSeconds", equalTo(600))
                .extract().header("Location");
        int id = Integer.parseInt(location.substring(location.lastIndexOf('/') + 1));

        admin().when().get(PATH + "/" + id).then().statusCode(200)
                .body("scenarios", equalTo(java.util.List.of("ICEBREAKER_POSTBACK")))
                .body("message.quickReplies[0].payload", equalTo("SHOP"));
        admin().when().get(PATH).then().statusCode(200).body("name", hasItem(name));

        admin().body(rule(name, "").replace("\"priority\":3", "\"priority\":9")).when().put(PATH + "/" + id)
                .then().statusCode(200).body("priority", equalTo(9));
        admin().when().get(PATH + "/" + id).then().body("priority", equalTo(9));

        admin().when().delete(PATH + "/" + id).then().statusCode(204);
        admin().when().get(PATH + "/" + id).then().statusCode(404);
        admin().when().delete(PATH + "/" + id).then().statusCode(404);
    }

    @Test
    void invalidRulesAreRefusedNamingTheFieldAndWhy() {
        String name = "bad-" + UUID.randomUUID();
        admin().body(rule(name, "").replace("Hi {ref}", "x".repeat(1001))).when().post(PATH)
                .then().statusCode(400)
                .body("field", equalTo("message.text"))
                .body("error", containsString("1001 bytes"));
        admin().body(rule(name, "").replace("\"title\":\"Shop\"", "\"title\":\"" + "t".repeat(21) + "\"")).when().post(PATH)
                .then().statusCode(400).body("field", equalTo("message.quickReplies[0].title"));
        admin().body(rule(name, "").replace("GLOB", "REGEX")).when().post(PATH)
                .then().statusCode(400).body("field", equalTo("match.type"))
                .body("error", equalTo("match.type must be one of [EXACT, PREFIX, GLOB]"));
        admin().body(rule(name, "").replace("ICEBREAKER_POSTBACK", "SCENARIO_4")).when().post(PATH)
                .then().statusCode(400).body("field", equalTo("scenarios[0]"));
        admin().body(rule(name, ",\"cooldown\":60")).when().post(PATH)
                .then().statusCode(400).body("field", equalTo("cooldown")).body("error", containsString("not a known field"));
        admin().body("{not json").when().post(PATH)
                .then().statusCode(400).body("error", equalTo("the body is not valid JSON"));
        admin().when().get(PATH).then().body("name", not(hasItem(name)));
    }

    @Test
    void namesAreUnique() {
        String name = "unique-" + UUID.randomUUID();
        admin().body(rule(name, "")).when().post(PATH).then().statusCode(201);
        admin().body(rule(name, "")).when().post(PATH).then().statusCode(409).body("field", equalTo("name"));
    }

    @Test
    void onlyAdminsManageRules() {
        given().auth().oauth2(Tokens.viewer()).when().get(PATH).then().statusCode(403);
        given().auth().oauth2(Tokens.viewer()).contentType("application/json").body(rule("x", "")).when().post(PATH)
                .then().statusCode(403);
        given().when().get(PATH).then().statusCode(401);
    }

    @Test
    void rulesFileWasImportedAtStartup() {
        admin().when().get(PATH).then().statusCode(200)
                .body("find { it.name == 'from-the-rules-file' }.match.pattern", equalTo("file-rule-*-qr"))
                .body("find { it.name == 'from-the-rules-file' }.message.text", equalTo("Imported at startup, for {ref}"));
    }
}
