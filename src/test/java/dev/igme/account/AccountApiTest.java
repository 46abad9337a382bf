package dev.igme.account;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.igme.account.doctor.DoctorJob;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The account API against the fake Graph API, for both login flavours. */
@QuarkusTest
@TestProfile(AccountProfile.class)
class AccountApiTest {

    static final String IG = "17841400000000001";
    static final String IG_TOKEN = "Bearer ig-login-test-token";
    static final String PAGE = "17841400000000002";
    static final String PAGE_ID = "100000000000002";
    static final String PAGE_TOKEN = "Bearer page-test-token";
    static final String DOOMED = "17841400000000003";
    static final String DOOMED_TOKEN = "Bearer soon-rejected-token";

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    DoctorJob job;

    // --- the read side ---------------------------------------------------------------------------

    @Test
    void accountsAreListedForViewersWithoutAnyToken() {
        given().when().get("/api/v1/accounts").then().statusCode(401);
        String body = given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts").then().statusCode(200)
                .body("id", hasItems(IG, PAGE, DOOMED, AccountProfile.FILE_ACCOUNT, AccountProfile.QUIET_ACCOUNT))
                .extract().asString();
        for (String secret : List.of("ig-login-test-token", "page-test-token", "soon-rejected-token", "file-token",
                "quiet-account-token")) {
            assertFalse(body.contains(secret), "no token in the answer");
        }
        given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts/17841499999999999/doctor").then().statusCode(404);
    }

    @Test
    void instagramLoginAccountWithEverythingMissing() {
        healthyInstagramLogin();
        stub(get(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN,
                ok("{\"data\":[{\"subscribed_fields\":[\"messages\",\"messaging_postbacks\"]}]}"));
        stub(get(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), IG_TOKEN, ok("{\"data\":[]}"));

        ValidatableResponse report = doctor(IG);
        report.body("username", equalTo("acme.shop")).body("flavour", equalTo("instagram-login")).body("worst", equalTo("ERROR"));
        finding(report, "TOKEN", "OK", "https://ig.me/m/acme.shop");
        finding(report, "SUBSCRIPTION", "ERROR", "lacks messaging_referral");
        finding(report, "ICE_BREAKERS", "ERROR", "carry no ref");
        finding(report, "TOKEN_EXPIRY", "INFO", "Expiry not known yet");
        report.body("findings.find { it.check == 'ICE_BREAKERS' }.fixable", equalTo(true));
    }

    @Test
    void facebookPageAccountChecksThroughThePageAndWantsStandbyWhereConfigured() {
        stub(get(urlPathEqualTo("/fb/v23.0/" + PAGE_ID)), PAGE_TOKEN, ok("{\"id\":\"" + PAGE_ID + "\",\"name\":\"Acme\","
                + "\"instagram_business_account\":{\"id\":\"" + PAGE + "\",\"username\":\"acme.page\"}}"));
        stub(get(urlPathEqualTo("/fb/v23.0/" + PAGE_ID + "/subscribed_apps")), PAGE_TOKEN, ok("{\"data\":[{\"id\":\"1\","
                + "\"subscribed_fields\":[\"messages\",\"messaging_postbacks\",\"messaging_referrals\"]}]}"));
        stub(get(urlPathEqualTo("/fb/v23.0/me/messenger_profile")), PAGE_TOKEN, ok("{\"data\":[{\"ice_breakers\":"
                + "[{\"call_to_actions\":[{\"question\":\"Hi?\",\"payload\":\"HI\"}],\"locale\":\"default\"}]}]}"));

        ValidatableResponse report = doctor(PAGE);
        report.body("username", equalTo("acme.page")).body("flavour", equalTo("facebook-page"));
        finding(report, "TOKEN", "OK", "acme.page");
        finding(report, "SUBSCRIPTION", "WARNING", "lacks standby");
        finding(report, "ICE_BREAKERS", "OK", "default");
        finding(report, "TOKEN_EXPIRY", "INFO", "does not expire");
    }

    @ParameterizedTest(name = "HTTP {0}, code {1}/{2} → {3}")
    @CsvSource({
            "400, 190, 463, ERROR, The token expired",
            "403, 10, 0, ERROR, lacks a permission",
            "403, 200, 0, ERROR, lacks a permission",
            "400, 4, 0, WARNING, rate-limited",
            "400, 613, 0, WARNING, rate-limited",
            "503, 0, 0, WARNING, usually temporary"})
    void graphErrorsAreFindingsNotFailures(int status, int code, int subcode, String severity, String text) {
        ResponseDefinitionBuilder failure = status == 503 ? aResponse().withStatus(503).withBody("Service Unavailable")
                : error(status, code, subcode);
        stub(get(urlPathEqualTo("/ig/v23.0/me")), DOOMED_TOKEN, failure);
        stub(get(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), DOOMED_TOKEN, failure);
        stub(get(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), DOOMED_TOKEN, failure);
        stub(get(urlPathEqualTo("/fb/v23.0/" + PAGE_ID)), PAGE_TOKEN, failure);
        stub(get(urlPathEqualTo("/fb/v23.0/" + PAGE_ID + "/subscribed_apps")), PAGE_TOKEN, failure);
        stub(get(urlPathEqualTo("/fb/v23.0/me/messenger_profile")), PAGE_TOKEN, failure);

        for (String account : List.of(DOOMED, PAGE)) {
            ValidatableResponse report = doctor(account);
            finding(report, "TOKEN", severity, text);
            report.body("worst", equalTo(severity));
        }
    }

    @Test
    void theApiIsDescribedInTheOpenApiDocument() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/accounts"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/accounts/{id}/doctor"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/accounts/{id}/subscriptions"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/accounts/{id}/ice-breakers"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/replays"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/replays/{id}"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/dead-letters/redrive"));
    }

    // --- fixes -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"locales\":[{\"locale\":\"fr_FR\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"}]}]}|locales",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"1\",\"payload\":\"1\"},{\"question\":\"2\",\"payload\":\"2\"},{\"question\":\"3\",\"payload\":\"3\"},{\"question\":\"4\",\"payload\":\"4\"},{\"question\":\"5\",\"payload\":\"5\"}]}]}|locales[0].questions",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\",\"payload\":\" \"}]}]}|locales[0].questions[0].payload",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\",\"title\":\"x\"}]}]}|locales[0].questions[0].title"})
    void invalidIceBreakersAreRefusedNamingTheFieldAndNeverReachMeta(String body, String field) {
        int before = iceBreakerPosts(PAGE_TOKEN).size();
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/accounts/" + PAGE + "/ice-breakers")
                .then().statusCode(400).body("field", equalTo(field)).body("error", startsWith(field + " "));
        assertEquals(before, iceBreakerPosts(PAGE_TOKEN).size(), "nothing reached Meta");
    }

    @Test
    void iceBreakersNeedTheAdminRole() {
        given().auth().oauth2(Tokens.viewer()).contentType(ContentType.JSON).body("{\"locales\":[]}")
                .when().put("/api/v1/accounts/" + PAGE + "/ice-breakers").then().statusCode(403);
        given().auth().oauth2(Tokens.viewer()).when().post("/api/v1/accounts/" + PAGE + "/subscriptions").then().statusCode(403);
    }

    @Test
    void validIceBreakersAreSetInMetasShapeAndTheAccountIsCheckedAgain() {
        healthyInstagramLogin();
        stub(post(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), IG_TOKEN, ok("{\"result\":\"success\"}"));

        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType(ContentType.JSON)
                .body("{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Sizes?\",\"payload\":\"SIZES\"},"
                        + "{\"question\":\"Shipping?\",\"payload\":\"SHIPPING\"}]}]}")
                .when().put("/api/v1/accounts/" + IG + "/ice-breakers")
                .then().statusCode(200).body("account", equalTo(IG)).body("findings.size()", equalTo(5));

        graph.verify(postRequestedFor(urlPathEqualTo("/ig/v23.0/me/messenger_profile"))
                .withHeader("Authorization", WireMock.equalTo(IG_TOKEN))
                .withRequestBody(equalToJson("{\"platform\":\"instagram\",\"ice_breakers\":[{\"call_to_actions\":["
                        + "{\"question\":\"Sizes?\",\"payload\":\"SIZES\"},{\"question\":\"Shipping?\",\"payload\":\"SHIPPING\"}],"
                        + "\"locale\":\"default\"}]}")));
    }

    @Test
    void metaRefusingAFixIsA502WithTheFindingsSentence() {
        stub(post(urlPathEqualTo("/fb/v23.0/me/messenger_profile")), PAGE_TOKEN, error(403, 10, 0));
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType(ContentType.JSON)
                .body("{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Hi?\",\"payload\":\"HI\"}]}]}")
                .when().put("/api/v1/accounts/" + PAGE + "/ice-breakers")
                .then().statusCode(502).body("error", containsString("lacks a permission"))
                .body("error", not(containsString("page-test-token")));
    }

    @Test
    void subscribingAddsTheMissingFieldsAndKeepsTheOthers() {
        healthyInstagramLogin();
        stub(get(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN,
                ok("{\"data\":[{\"subscribed_fields\":[\"messages\",\"comments\"]}]}"));
        stub(post(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN, ok("{\"success\":true}"));

        given().auth().oauth2(Tokens.withRoles("igme-admin")).when().post("/api/v1/accounts/" + IG + "/subscriptions")
                .then().statusCode(200).body("account", equalTo(IG));

        graph.verify(postRequestedFor(urlPathEqualTo("/ig/v23.0/me/subscribed_apps"))
                .withHeader("Authorization", WireMock.equalTo(IG_TOKEN))
                .withQueryParam("subscribed_fields", WireMock.equalTo("messages,comments,messaging_postbacks,messaging_referral")));
    }

    @Test
    void thePeriodicCheckFixesWhatItCanWhenAutoFixIsOn() {
        healthyInstagramLogin();
        stub(get(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN, ok("{\"data\":[]}"));
        stub(get(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), IG_TOKEN, ok("{\"data\":[]}"));
        stub(post(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN, ok("{\"success\":true}"));
        stub(post(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), IG_TOKEN, ok("{\"result\":\"success\"}"));
        int before = iceBreakerPosts(IG_TOKEN).size();

        job.run(true).await().indefinitely();

        graph.verify(postRequestedFor(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")).withHeader("Authorization", WireMock.equalTo(IG_TOKEN))
                .withQueryParam("subscribed_fields", WireMock.equalTo("messages,messaging_postbacks,messaging_referral")));
        List<LoggedRequest> posts = iceBreakerPosts(IG_TOKEN);
        assertEquals(before + 1, posts.size());
        String sent = posts.get(posts.size() - 1).getBodyAsString();
        assertEquals(true, sent.contains("\"payload\":\"SHIPPING\"") && sent.contains("\"locale\":\"fr_FR\""), sent);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private void healthyInstagramLogin() {
        stub(get(urlPathEqualTo("/ig/v23.0/me")), IG_TOKEN,
                ok("{\"id\":\"9990001\",\"user_id\":\"" + IG + "\",\"username\":\"acme.shop\"}"));
        stub(get(urlPathEqualTo("/ig/v23.0/me/subscribed_apps")), IG_TOKEN, ok("{\"data\":[{\"subscribed_fields\":"
                + "[\"messages\",\"messaging_postbacks\",\"messaging_referral\"]}]}"));
        stub(get(urlPathEqualTo("/ig/v23.0/me/messenger_profile")), IG_TOKEN, ok("{\"data\":[]}"));
    }

    static ValidatableResponse doctor(String account) {
        return given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts/" + account + "/doctor")
                .then().statusCode(200).body("account", equalTo(account)).body("findings.size()", equalTo(5));
    }

    static void finding(ValidatableResponse report, String check, String severity, String text) {
        report.body("findings.find { it.check == '" + check + "' }.severity", equalTo(severity))
                .body("findings.find { it.check == '" + check + "' }.message", containsString(text));
    }

    private List<LoggedRequest> iceBreakerPosts(String token) {
        return graph.findAll(postRequestedFor(urlPathEqualTo(token.equals(PAGE_TOKEN) ? "/fb/v23.0/me/messenger_profile"
                : "/ig/v23.0/me/messenger_profile")).withHeader("Authorization", WireMock.equalTo(token)));
    }

    void stub(MappingBuilder request, String token, ResponseDefinitionBuilder response) {
        graph.stubFor(request.withHeader("Authorization", WireMock.equalTo(token)).willReturn(response));
    }

    static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
    }

    static ResponseDefinitionBuilder error(int status, int code, int subcode) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"(#" + code + ") fake\",\"type\":\"OAuthException\",\"code\":" + code
                        + (subcode == 0 ? "" : ",\"error_subcode\":" + subcode) + ",\"fbtrace_id\":\"x\"}}");
    }
}
