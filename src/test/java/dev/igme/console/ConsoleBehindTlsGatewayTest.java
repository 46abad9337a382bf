package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The console as the replier Deployment runs it, behind the internal gateway that ends TLS: the
 * browser's https comes in {@code X-Forwarded-Proto}, and the console's own cookies are then
 * {@code Secure}, so a browser never sends them over plain HTTP. (The sign-in's return addresses:
 * {@link ConsoleOidcSignInTest}.)
 */
@QuarkusTest
@TestProfile(ConsoleBehindTlsGatewayTest.BehindTlsGateway.class)
public class ConsoleBehindTlsGatewayTest {

    /** What k8s/base/deployment-replier.yaml sets (DeploymentFilesTest holds the two together). */
    public static class BehindTlsGateway implements QuarkusTestProfile {
        public static final Map<String, String> FORWARDED = Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true");

        @Override
        public Map<String, String> getConfigOverrides() {
            return FORWARDED;
        }
    }

    @Test
    void theConsolesCookiesAreSecure_andItsRedirectsStayOnHttps() {
        long pool = ConsoleCouponsTest.newPool("console-tls-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        Response page = given().header("X-Forwarded-Proto", "https").get("/console/coupons");
        assertTrue(page.getDetailedCookie("igme-console-csrf").isSecured());
        Response posted = given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .contentType("application/x-www-form-urlencoded")
                .cookie("igme-console-csrf", page.getCookie("igme-console-csrf"))
                .formParam("csrf-token", page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value"))
                .formParam("codes", "TLS-1").post("/console/coupons/" + pool + "/codes");
        posted.then().statusCode(303).header("Location", startsWith("https://"));
        assertTrue(posted.getDetailedCookie(UploadFlash.COOKIE).isSecured());
        // on the pod's own port, plain http: a browser would drop a Secure cookie there
        assertFalse(given().get("/console/coupons").getDetailedCookie("igme-console-csrf").isSecured());
    }
}
