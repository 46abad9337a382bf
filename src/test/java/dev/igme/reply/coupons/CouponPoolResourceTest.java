package dev.igme.reply.coupons;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class CouponPoolResourceTest {

    private static final String PATH = "/api/v1/coupon-pools";

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.withRoles("igme-admin"));
    }

    /** Bodies of types REST Assured has no encoder for (JSON lines) go as bytes. */
    private static byte[] bytes(String body) {
        return body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String newName() {
        return "pool-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int create(String name) {
        return admin().contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"description\":\"Next purchase, 10 % off\",\"lowThreshold\":2}")
                .when().post(PATH).then().statusCode(201)
                .header("Location", containsString(PATH + "/"))
                .body("name", equalTo(name)).body("total", equalTo(0)).body("left", equalTo(0))
                .extract().path("id");
    }

    @Test
    void createUploadAndReadCounts() {
        String name = newName();
        int id = create(name);

        admin().contentType("text/csv").body("code\nA-1\nA-2\nA-2\n\nA-3\n").when().post(PATH + "/" + id + "/codes")
                .then().statusCode(200)
                .body("added", equalTo(3)).body("duplicates", equalTo(1))
                .body("pool.total", equalTo(3)).body("pool.left", equalTo(3)).body("pool.issued", equalTo(0));
        admin().contentType("application/x-ndjson").body(bytes("{\"code\":\"A-3\"}\n{\"code\":\"J-4\"}\n"))
                .when().post(PATH + "/" + id + "/codes")
                .then().statusCode(200).body("added", equalTo(1)).body("duplicates", equalTo(1)).body("pool.total", equalTo(4));

        given().auth().oauth2(Tokens.viewer()).when().get(PATH + "/" + id).then().statusCode(200)
                .body("name", equalTo(name)).body("description", equalTo("Next purchase, 10 % off"))
                .body("lowThreshold", equalTo(2)).body("total", equalTo(4)).body("left", equalTo(4));
        given().auth().oauth2(Tokens.viewer()).when().get(PATH).then().statusCode(200).body("name", hasItem(name));
    }

    @Test
    void anInvalidLineStoresNothingAndNamesTheLine() {
        int id = create(newName());
        admin().contentType("text/csv").body("code\nGOOD-1\nBAD CODE\nGOOD-2\n").when().post(PATH + "/" + id + "/codes")
                .then().statusCode(400).body("field", equalTo("code"))
                .body("error", startsWith("line 3: the code has a character that is not printable or is a space"));
        admin().contentType("application/x-ndjson").body(bytes("{\"code\":\"GOOD-1\"}\n{\"kode\":\"X\"}\n"))
                .when().post(PATH + "/" + id + "/codes")
                .then().statusCode(400).body("error", startsWith("line 2:"));
        admin().contentType("application/json").body("[\"GOOD-1\"]").when().post(PATH + "/" + id + "/codes")
                .then().statusCode(415).body("error", containsString("text/csv"));
        admin().contentType("text/csv").body("X\n".repeat(3) + "Y".repeat(65)).when().post(PATH + "/" + id + "/codes")
                .then().statusCode(400).body("error", startsWith("line 4: the code is 65 characters"));
        admin().when().get(PATH + "/" + id).then().body("total", equalTo(0));
        admin().contentType("text/csv").body("A\n").when().post(PATH + "/999999999/codes").then().statusCode(404);
    }

    @Test
    void invalidPoolsAreRefusedNamingTheField() {
        admin().contentType("application/json").body("{\"name\":\"has space\"}").when().post(PATH)
                .then().statusCode(400).body("field", equalTo("name"));
        admin().contentType("application/json").body("{\"name\":\"" + newName() + "\",\"lowThreshold\":-1}").when().post(PATH)
                .then().statusCode(400).body("field", equalTo("lowThreshold"));
        admin().contentType("application/json").body("{\"name\":\"" + newName() + "\",\"threshold\":3}").when().post(PATH)
                .then().statusCode(400).body("field", equalTo("threshold")).body("error", containsString("not a known field"));
        admin().contentType("application/json").body("{\"name\":\"" + newName() + "\",\"lowThreshold\":\"many\"}").when().post(PATH)
                .then().statusCode(400).body("field", equalTo("lowThreshold"));
        String name = newName();
        create(name);
        admin().contentType("application/json").body("{\"name\":\"" + name + "\"}").when().post(PATH)
                .then().statusCode(409).body("field", equalTo("name"));
    }

    @Test
    void rulesMustNameAnExistingPoolAndAPoolInUseIsNotDeleted() {
        String pool = newName();
        String rule = "{\"name\":\"" + pool + "-rule\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + pool + "\"},"
                + "\"message\":{\"text\":\"Your code: {coupon}\"},\"couponPool\":\"" + pool + "\"}";
        admin().contentType("application/json").body(rule).when().post("/api/v1/reply-rules")
                .then().statusCode(400).body("field", equalTo("couponPool")).body("error", containsString("names no coupon pool"));
        admin().contentType("application/json").body(rule.replace(",\"couponPool\":\"" + pool + "\"", ""))
                .when().post("/api/v1/reply-rules")
                .then().statusCode(400).body("field", equalTo("couponPool")).body("error", containsString("{coupon}"));

        int id = create(pool);
        int ruleId = admin().contentType("application/json").body(rule).when().post("/api/v1/reply-rules")
                .then().statusCode(201).body("couponPool", equalTo(pool)).extract().path("id");
        admin().when().delete(PATH + "/" + id).then().statusCode(409).body("error", containsString(pool + "-rule"));

        admin().when().delete("/api/v1/reply-rules/" + ruleId).then().statusCode(204);
        admin().when().delete(PATH + "/" + id).then().statusCode(204);
        admin().when().get(PATH + "/" + id).then().statusCode(404);
        admin().when().get(PATH).then().body("name", not(hasItem(pool)));
    }

    @Test
    void onlyAdminsChangePools() {
        given().auth().oauth2(Tokens.viewer()).contentType("application/json").body("{\"name\":\"" + newName() + "\"}")
                .when().post(PATH).then().statusCode(403);
        given().auth().oauth2(Tokens.viewer()).contentType("text/csv").body("A\n").when().post(PATH + "/1/codes")
                .then().statusCode(403);
        given().when().get(PATH).then().statusCode(401);
    }
}
