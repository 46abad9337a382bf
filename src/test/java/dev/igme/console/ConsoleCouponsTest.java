package dev.igme.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * An admin adds coupon codes to a pool from the console, all or none, as the API takes them; a
 * refused upload is shown beside that pool's box with what was pasted, and adds nothing.
 */
@QuarkusTest
public class ConsoleCouponsTest {

    static long newPool(String name) {
        return given().auth().oauth2(Tokens.withRoles("igme-admin")).contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"lowThreshold\":5}").post("/api/v1/coupon-pools")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static long left(long pool) {
        return given().auth().oauth2(Tokens.viewer()).get("/api/v1/coupon-pools/" + pool).then().statusCode(200)
                .extract().jsonPath().getLong("left");
    }

    @Test
    void codesPastedOnePerLineAreAdded_andThePageSaysHowMany() {
        long pool = newPool("console-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        Response page = given().get("/console/coupons");
        page.then().statusCode(200).body(containsString("id=\"codes-" + pool + "\""));
        String cookie = page.getCookie("igme-console-csrf");
        String token = page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        Response posted = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("igme-console-csrf", cookie).formParam("csrf-token", token)
                .formParam("codes", "SPRING-1\r\nSPRING-2\r\n\r\nSPRING-2\r\n").post("/console/coupons/" + pool + "/codes");
        posted.then().statusCode(303).header("Location", endsWith("/console/coupons?pool=" + pool));
        // only this browser's own pages may read or send it, and not for long
        io.restassured.http.Cookie flash = posted.getDetailedCookie(UploadFlash.COOKIE);
        assertEquals("/console", flash.getPath());
        assertTrue(flash.isHttpOnly());
        assertEquals("Strict", flash.getSameSite());
        assertEquals(60, flash.getMaxAge());
        assertEquals(2, left(pool));
        Response shown = given().cookie("igme-console-csrf", cookie)
                .cookie(UploadFlash.COOKIE, posted.getCookie(UploadFlash.COOKIE)).get(posted.header("Location"));
        shown.then().statusCode(200)
                .body(containsString("2 code(s) added, 1 already in the pool or repeated in the upload, skipped."));
        // shown once: the page clears what the upload left, so a reload says nothing
        assertEquals(0, shown.getDetailedCookie(UploadFlash.COOKIE).getMaxAge());
    }

    @Test
    void anAddressCannotMakeThePageClaimAnUpload() {
        long pool = newPool("console-spoof-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        given().get("/console/coupons?pool=" + pool + "&added=5000&duplicates=0").then().statusCode(200)
                .body(containsString("id=\"codes-" + pool + "\""))
                .body(not(containsString("code(s) added")));
        // another pool's upload is not shown on this one, and a mangled value is ignored
        given().cookie(UploadFlash.COOKIE, (pool + 1) + ".7.0").get("/console/coupons?pool=" + pool).then()
                .statusCode(200).body(not(containsString("code(s) added")));
        for (String mangled : List.of(pool + ".-7.0", pool + ".7", pool + ".7.x")) {
            given().cookie(UploadFlash.COOKIE, mangled).get("/console/coupons?pool=" + pool).then()
                    .statusCode(200).body(not(containsString("code(s) added")));
        }
    }

    @Test
    void aPasteOfThousandsOfCodesIsAddedWhole() {
        long pool = newPool("console-many-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        Response page = given().get("/console/coupons");
        StringBuilder codes = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            codes.append("BULK-").append(pool).append('-').append(i).append("\r\n"); // ~100 KB, far over 2 KB
        }
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("igme-console-csrf", page.getCookie("igme-console-csrf"))
                .formParam("csrf-token", page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value"))
                .formParam("codes", codes.toString()).post("/console/coupons/" + pool + "/codes")
                .then().statusCode(303);
        assertEquals(5000, left(pool));
    }

    @Test
    void aRefusedUploadIsShownBesideThePool_withThePastedText_andAddsNothing() {
        long pool = newPool("console-bad-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        Response page = given().get("/console/coupons");
        String cookie = page.getCookie("igme-console-csrf");
        String token = page.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        String tooLong = "X".repeat(65);
        given().contentType("application/x-www-form-urlencoded").cookie("igme-console-csrf", cookie)
                .formParam("csrf-token", token).formParam("codes", "GOOD-1\n" + tooLong + "\n")
                .post("/console/coupons/" + pool + "/codes")
                .then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("id=\"codes-" + pool + "-error\""))
                .body(containsString("line 2"))
                .body(containsString("GOOD-1\n" + tooLong));
        assertEquals(0, left(pool));
        // a pool that does not exist: a page saying so
        given().contentType("application/x-www-form-urlencoded").cookie("igme-console-csrf", cookie)
                .formParam("csrf-token", token).formParam("codes", "A-1").post("/console/coupons/999999999/codes")
                .then().statusCode(404).body(containsString("No such coupon pool"));
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("codes", "FORGED-1").post("/console/coupons/" + pool + "/codes").then().statusCode(400)
                .body(containsString("The form has expired"));
        assertEquals(0, left(pool));
    }
}
