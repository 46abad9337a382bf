package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import dev.igme.link.LinksTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A console address with a number that is not one (typed or edited by hand) gets a readable page
 * that says which parameter to fix, not Quarkus's "not found" for a page that exists.
 */
@QuarkusTest
public class ConsolePageParametersTest {

    @Test
    void aDashboardAskedForDaysThatAreNotANumber_saysSo() {
        String campaign = LinksTest.newCampaign();
        String dashboard = "/console/campaigns/" + campaign + "/dashboard";
        given().get(dashboard + "?days=ten").then().statusCode(400).contentType(startsWith("text/html"))
                .body(containsString("days must be a whole number of days"));
        given().get(dashboard + "?days=7").then().statusCode(200).contentType(startsWith("text/html"));
        given().get(dashboard + "?tz=Mars/Base").then().statusCode(400).body(containsString("tz must be a time zone"));
    }

    @Test
    void theCouponPageAskedForAPoolThatIsNotANumber_saysSo() {
        given().get("/console/coupons?pool=abc").then().statusCode(400).contentType(startsWith("text/html"))
                .body(containsString("pool must be a coupon pool"));
        given().get("/console/coupons?pool=").then().statusCode(200);
    }
}
