package dev.igme.account.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import dev.igme.account.AccountProfile;
import dev.igme.graph.Accounts;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.Tokens;
import dev.igme.testing.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;

/** Token files picked up without a restart, and refreshed tokens stored only encrypted. */
@QuarkusTest
@TestProfile(AccountProfile.class)
class TokenLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REFRESHED_TOKEN = "IGAAR-refreshed-token-never-stored-in-clear";

    @InjectGraphApi
    WireMockServer graph;

    @Inject
    Pool pool;

    @Inject
    Accounts accounts;

    @Test
    void aNewTokenInTheFileResumesTheAccountMetaPausedForTheOldOne() throws Exception {
        String account = AccountProfile.FILE_ACCOUNT;
        String prefix = "tf-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String newToken = "file-token-" + UUID.randomUUID();
        createRule(prefix);
        String messages = "/ig/v23.0/" + account + "/messages";
        graph.stubFor(post(urlPathEqualTo(messages)).withHeader("Authorization", equalTo("Bearer " + AccountProfile.FIRST_FILE_TOKEN))
                .willReturn(error(401, 190, 460)));
        graph.stubFor(post(urlPathEqualTo(messages)).withHeader("Authorization", equalTo("Bearer " + newToken))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"recipient_id\":\"x\",\"message_id\":\"m_after_new_token\"}")));

        Webhook.postSigned(referral(account, Deliveries.newUser(), prefix + "1")).then().statusCode(200);
        assertEquals("FAILED_TOKEN_INVALID", awaitFinal(prefix + "1").get("status"));
        Webhook.postSigned(referral(account, Deliveries.newUser(), prefix + "2")).then().statusCode(200);
        assertEquals("SKIPPED_ACCOUNT_PAUSED", awaitFinal(prefix + "2").get("status"));

        // Kubernetes swaps the Secret's files; the service reads the new token within the check interval
        Path swap = AccountProfile.TOKEN_FILE.resolveSibling("swap");
        Files.writeString(swap, newToken + "\n");
        Files.move(swap, AccountProfile.TOKEN_FILE, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WAIT).until(() -> accounts.find(account).orElseThrow().accessToken().equals(newToken));

        String third = Deliveries.newUser();
        Webhook.postSigned(referral(account, third, prefix + "3")).then().statusCode(200);
        Map<String, Object> reply = awaitFinal(prefix + "3");
        assertEquals("SENT", reply.get("status"), String.valueOf(reply.get("last_error")));
        graph.verify(postRequestedFor(urlPathEqualTo(messages)).withHeader("Authorization", equalTo("Bearer " + newToken))
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(third))));
    }

    @Test
    void aTokenInUseFor24HoursIsRefreshedStoredEncryptedAndUsedWithItsExpiry() {
        String account = "17841400000000001";
        graph.stubFor(get(urlPathEqualTo("/ig/refresh_access_token")).withQueryParam("grant_type", equalTo("ig_refresh_token"))
                .withHeader("Authorization", equalTo("Bearer ig-login-test-token"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + REFRESHED_TOKEN + "\",\"token_type\":\"bearer\",\"expires_in\":5183944}")));
        await().atMost(WAIT).until(() -> !Db.rows(pool, "SELECT 1 FROM account_token WHERE ig_account_id = $1", account).isEmpty());

        // as if the service had been using the configured token for two days
        Db.rows(pool, "UPDATE account_token SET in_use_since = now() - interval '2 days' WHERE ig_account_id = $1", account);

        await().atMost(WAIT).until(() -> accounts.find(account).orElseThrow().accessToken().equals(REFRESHED_TOKEN));
        Map<String, Object> row = Db.rows(pool, "SELECT * FROM account_token WHERE ig_account_id = $1", account).get(0);
        assertNotNull(row.get("token_sealed"));
        for (Object value : row.values()) {
            assertFalse(String.valueOf(value).contains("refreshed-token"), "stored only encrypted: " + row.keySet());
        }
        Instant expiresAt = ((java.time.OffsetDateTime) row.get("expires_at")).toInstant();
        assertTrue(expiresAt.isAfter(Instant.now().plus(Duration.ofDays(59))), expiresAt.toString());
        assertEquals(REFRESHED_TOKEN, TokenCipher.fromBase64(AccountProfile.ENCRYPTION_KEY).open((String) row.get("token_sealed"), account));
        String list = given().auth().oauth2(Tokens.viewer()).when().get("/api/v1/accounts").then().statusCode(200)
                .extract().asString();
        assertFalse(list.contains("refreshed-token"));
        assertTrue(list.contains("\"tokenExpiresAt\":\"" + expiresAt.toString().substring(0, 13)), list);
        graph.verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/ig/refresh_access_token"))
                .withHeader("Authorization", equalTo("Bearer ig-login-test-token")));
        assertTrue(graph.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/ig/refresh_access_token")))
                .stream().noneMatch(r -> r.getUrl().contains("access_token=")), "the token is never in a URL");
        // put the configured token back for the other tests: a row started over uses it again
        Db.rows(pool, "DELETE FROM account_token WHERE ig_account_id = $1", account);
        await().atMost(WAIT).until(() -> accounts.find(account).orElseThrow().accessToken().equals("ig-login-test-token"));
    }

    private static byte[] referral(String account, String user, String ref) {
        return Deliveries.envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + account + "\"},"
                + "\"timestamp\":" + System.currentTimeMillis() + ",\"referral\":{\"ref\":\"" + ref
                + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}");
    }

    static void createRule(String prefix) {
        String body = "{\"name\":\"" + prefix + "\",\"match\":{\"type\":\"PREFIX\",\"pattern\":\"" + prefix + "\"},"
                + "\"priority\":100,\"message\":{\"text\":\"hi\"}}";
        given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json").body(body)
                .when().post("/api/v1/reply-rules").then().statusCode(201);
    }

    private Map<String, Object> awaitFinal(String ref) {
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> rows = Db.rows(pool, "SELECT status FROM reply WHERE ref = $1", ref);
            return !rows.isEmpty() && !List.of("PENDING", "CLAIMED", "SENDING").contains(rows.get(0).get("status"));
        });
        return Db.rows(pool, "SELECT * FROM reply WHERE ref = $1", ref).get(0);
    }

    private static ResponseDefinitionBuilder error(int status, int code, int subcode) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"fake\",\"type\":\"OAuthException\",\"code\":" + code
                        + ",\"error_subcode\":" + subcode + "}}");
    }
}
