package dev.igme.platform.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Every error under /api is an RFC 9457 problem that still carries the older {@code error} and
 * {@code field} members, 401 and 403 included.
 */
@QuarkusTest
class ProblemDetailsTest {

    /** The members every problem has, whatever the error. */
    private static ValidatableResponse problem(ValidatableResponse response, int status, String title, String path) {
        return response.statusCode(status)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("about:blank"))
                .body("title", equalTo(title))
                .body("status", equalTo(status))
                .body("instance", equalTo(path))
                .body("detail", notNullValue())
                .body("error", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void aRefusedParameterIsA400ThatNamesTheField() {
        problem(given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/identities").then(),
                400, "Bad Request", "/api/v1/identities")
                .body("detail", equalTo("externalId is required"))
                .body("error", equalTo("externalId is required"))
                .body("field", equalTo("externalId"));
    }

    @Test
    void aQueryNumberThatIsNotOneIsA400ThatNamesIt_notA404() {
        problem(given().auth().oauth2(Tokens.viewer()).queryParam("limit", "ten").when().get("/api/v1/links").then(),
                400, "Bad Request", "/api/v1/links")
                .body("field", equalTo("limit"))
                .body("error", equalTo("limit must be a whole number"));
        // too large for its type, and on another resource with two numbers: the one to blame
        problem(given().auth().oauth2(Tokens.viewer()).queryParam("size", "600").queryParam("margin", "99999999999")
                .when().get("/api/v1/links/nosuchlink/qr.png").then(), 400, "Bad Request", "/api/v1/links/nosuchlink/qr.png")
                .body("field", equalTo("margin"));
        given().auth().oauth2(Tokens.viewer()).queryParam("limit", "5 ").when().get("/api/v1/attributions").then()
                .statusCode(400).body("field", equalTo("limit"));
        // a path that does not exist is still a 404
        problem(given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/no-such-thing").then(), 404, "Not Found",
                "/api/v1/no-such-thing");
    }

    @Test
    void anUnreadableBodyNamesTheFieldToo() {
        problem(given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"x\",\"noSuchMember\":1}").when().post("/api/v1/reply-rules").then(),
                400, "Bad Request", "/api/v1/reply-rules")
                .body("field", equalTo("noSuchMember"));
    }

    @Test
    void withoutATokenA401WithTheBearerChallenge() {
        problem(given().when().get("/api/v1/attributions").then(), 401, "Unauthorized", "/api/v1/attributions")
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("field", nullValue());
    }

    @Test
    void aBadTokenIsA401WithTheBearerChallenge() {
        problem(given().auth().oauth2("not-a-jwt").when().get("/api/v1/attributions").then(),
                401, "Unauthorized", "/api/v1/attributions")
                .header("WWW-Authenticate", equalTo("Bearer"));
        String foreign = io.smallrye.jwt.build.Jwt.issuer("https://evil.example").groups("igme-admin").sign();
        problem(given().auth().oauth2(foreign).when().get("/api/v1/reply-rules").then(),
                401, "Unauthorized", "/api/v1/reply-rules")
                .header("WWW-Authenticate", equalTo("Bearer"));
    }

    @Test
    void aViewerOnAnAdminEndpointIsA403() {
        problem(given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/reply-rules").then(),
                403, "Forbidden", "/api/v1/reply-rules")
                .header("WWW-Authenticate", nullValue());
    }

    @Test
    void anUnknownApiPathIsA404() {
        problem(given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/no-such-thing").then(),
                404, "Not Found", "/api/v1/no-such-thing");
    }

    @Test
    void aKnownThingThatIsNotThereIsA404WithItsSentence() {
        problem(given().auth().oauth2(Tokens.withRoles("igme-admin")).when().get("/api/v1/reply-rules/999999999").then(),
                404, "Not Found", "/api/v1/reply-rules/999999999")
                .body("error", equalTo("no reply rule 999999999"));
    }

    @Test
    void anUnsupportedContentTypeIsA415() {
        problem(given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("text/plain").body("hello")
                .when().post("/api/v1/reply-rules").then(),
                415, "Unsupported Media Type", "/api/v1/reply-rules");
    }

    @Test
    void aMethodThePathDoesNotAnswerIsA405() {
        problem(given().auth().oauth2(Tokens.viewer()).when().delete("/api/v1/attributions").then(),
                405, "Method Not Allowed", "/api/v1/attributions");
    }

    @Test
    void outsideTheApiAnswersStayAsTheyWere() {
        given().when().get("/webhooks/instagram").then().statusCode(403)
                .contentType(not(containsString("problem")));
    }
}
