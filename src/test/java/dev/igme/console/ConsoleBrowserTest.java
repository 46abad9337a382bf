package dev.igme.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.igme.link.LinksTest;
import dev.igme.testing.Deliveries;
import dev.igme.testing.InjectGraphApi;
import dev.igme.testing.QrImages;
import dev.igme.testing.Webhook;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in a real browser (Debian's headless Chromium), on the real broker and database: a
 * campaign and a link made through the pages, the QR code shown and read back, a signed referral
 * for that link that moves the dashboard's numbers and chart, a rule edited with an invalid field
 * and the error shown beside it. Screenshots of every page go to target/console-screenshots.
 */
@QuarkusTest
public class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /** A screenshot of a blank or failed page has a handful of colours; a rendered page has many more. */
    private static final int MIN_COLOURS = 24;

    @TestHTTPResource("/")
    URL root;

    @InjectGraphApi
    WireMockServer graph;

    String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    @Test
    void aCampaignAndLinkMadeInTheConsole_showTheirQrCode_andTheDashboardMovesWithAReferral() throws Exception {
        String campaign = "cb" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (Browser browser = new Browser(1280, 900)) {
            var driver = browser.driver;

            // a campaign, through the form
            driver.get(url("/console/campaigns"));
            driver.findElement(By.id("campaign-id")).sendKeys(campaign);
            driver.findElement(By.id("campaign-name")).sendKeys("Browser campaign " + campaign);
            new Select(driver.findElement(By.id("campaign-account"))).selectByValue(Deliveries.ACCOUNT);
            driver.findElement(By.id("create-campaign")).click();
            await().atMost(WAIT).until(() -> driver.getCurrentUrl().endsWith("/console/campaigns/" + campaign));
            assertTrue(driver.findElement(By.tagName("h1")).getText().contains("Browser campaign " + campaign));

            // a link, through the form; its URLs and QR code are on the page
            new Select(driver.findElement(By.id("link-channel"))).selectByValue("packaging");
            driver.findElement(By.id("link-label")).sendKeys("Lid of the jar");
            driver.findElement(By.id("create-link")).click();
            WebElement link = await().atMost(WAIT).until(() -> driver.findElements(By.cssSelector("li.link")),
                    items -> items.size() == 1).get(0);
            String linkId = link.getAttribute("id").substring("link-".length());
            String tracked = link.findElement(By.cssSelector("a.tracked-url")).getText();
            assertEquals("https://go.igme.test/r/" + linkId, tracked);
            String igMe = link.findElement(By.cssSelector("a.ig-me-url")).getText();
            assertTrue(igMe.startsWith("https://ig.me/m/igme.test.shop?ref=" + campaign + "-lid-of-the-jar="), igMe);
            assertEquals(tracked, link.findElement(By.cssSelector("button.copy[aria-label*='tracked']")).getAttribute("data-copy"));
            WebElement qr = link.findElement(By.cssSelector("img.qr"));
            await().atMost(WAIT).until(() -> ((Number) browser.js("return arguments[0].naturalWidth;", qr)).intValue() > 0);
            // what the page shows is a code a phone reads as the tracked URL
            assertEquals(tracked, QrImages.decodePng(qr.getScreenshotAs(OutputType.BYTES)));
            assertTrue(link.findElement(By.linkText("SVG")).getAttribute("href").endsWith("/console/links/" + linkId + "/qr.svg?download=true"));
            shot(browser, "campaign");

            // the dashboard before any traffic: zeros
            driver.findElement(By.id("dashboard-link")).click();
            await().atMost(WAIT).until(() -> driver.findElements(By.id("total-clicks")).size() == 1);
            assertEquals("0", driver.findElement(By.id("total-clicks")).getText());
            assertEquals("0", driver.findElement(By.id("total-conversations")).getText());
            assertEquals(0L, chartSum(browser, "chart-clicks"));

            // a person scans the code and opens a conversation; a rule of the campaign answers
            String user = Deliveries.newUser();
            graph.stubFor(post(urlMatching("/ig/.*"))
                    .withRequestBody(matchingJsonPath("$.recipient.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(user)))
                    .willReturn(aResponse().withStatus(200).withBody("{\"recipient_id\":\"x\",\"message_id\":\"m-" + user + "\"}")));
            createRule(browser, "browser-" + campaign, campaign, "Thanks for opening the jar!");
            String location = LinksTest.redirect(linkId, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)");
            String ref = location.substring(location.indexOf("?ref=") + "?ref=".length());
            Webhook.postSigned(Deliveries.typedMessageReferral(user, System.currentTimeMillis(), "m-" + user, ref))
                    .then().statusCode(200);

            // the attribution, with its refStatus, and the reply are on their pages
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(url("/console/attributions"));
                return !driver.findElements(By.xpath("//tr[td/code[text()='" + ref + "']]")).isEmpty();
            });
            WebElement row = driver.findElement(By.xpath("//tr[td/code[text()='" + ref + "']]"));
            assertTrue(row.getText().contains("VERIFIED"), row.getText());
            assertTrue(row.getText().contains(campaign), row.getText());
            shot(browser, "attributions");
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(url("/console/replies"));
                return driver.findElement(By.id("replies")).getText().contains("Thanks for opening the jar!");
            });
            shot(browser, "replies");

            // and the dashboard counts them, in its numbers and its charts
            driver.get(url("/console/campaigns/" + campaign + "/dashboard"));
            String[] seen = new String[1];
            try {
                await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    driver.navigate().refresh();
                    seen[0] = driver.findElement(By.id("totals")).getText().replace('\n', ' ');
                    return "1".equals(driver.findElement(By.id("total-conversations")).getText())
                            && "1".equals(driver.findElement(By.id("total-clicks")).getText())
                            && "1".equals(driver.findElement(By.id("total-sent")).getText());
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the dashboard did not count the click, conversation and reply: " + seen[0], e);
            }
            // its top refs: the link's own ref (the per-click ref counted under it), verified, one conversation
            String linkRef = igMe.substring(igMe.indexOf("?ref=") + "?ref=".length());
            WebElement top = driver.findElement(By.xpath("//table[@id='top-refs']//tr[td/code[text()='" + linkRef + "']]"));
            assertTrue(top.getText().contains("VERIFIED"), top.getText());
            assertEquals("1", top.findElement(By.cssSelector("td[data-label='Conversations']")).getText());
            await().atMost(WAIT).until(() -> chartSum(browser, "chart-clicks") == 1L);
            assertEquals(1L, chartSum(browser, "chart-conversations"));
            assertEquals(1L, chartSum(browser, "chart-replies"));
            shot(browser, "dashboard");

            // codes pasted into a pool's box: the page after the form says how many were added, once
            long pool = ConsoleCouponsTest.newPool("browser-" + campaign);
            driver.get(url("/console/coupons"));
            driver.findElement(By.id("codes-" + pool)).sendKeys("JAR-1\nJAR-2\nJAR-2\n");
            driver.findElement(By.id("codes-" + pool)).findElement(By.xpath("ancestor::form//button[@type='submit']")).click();
            await().atMost(WAIT).until(() -> !driver.findElements(By.id("codes-added")).isEmpty());
            assertEquals("2 code(s) added, 1 already in the pool or repeated in the upload, skipped.",
                    driver.findElement(By.id("codes-added")).getText());
            shot(browser, "coupons");
            driver.navigate().refresh();
            assertTrue(driver.findElements(By.id("codes-added")).isEmpty(), "the upload's count was shown again on reload");
            assertEquals(2L, ConsoleCouponsTest.left(pool));
        }
    }

    @Test
    void aRuleEditedWithAnInvalidField_showsTheServicesErrorBesideThatField() throws Exception {
        String name = "edit-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (Browser browser = new Browser(1280, 900)) {
            var driver = browser.driver;
            createRule(browser, name, "nosuchcampaign", "Hello again");
            WebElement row = driver.findElement(By.xpath("//tr[td/a[text()='" + name + "']]"));
            assertTrue(row.getText().contains("Enabled"), row.getText());
            shot(browser, "rules");

            // switched off and on again from the list
            row.findElement(By.cssSelector("button.toggle")).click();
            await().atMost(WAIT).until(() -> driver.findElement(By.xpath("//tr[td/a[text()='" + name + "']]")).getText()
                    .contains("Disabled"));

            driver.findElement(By.linkText(name)).click();
            WebElement cooldown = driver.findElement(By.id("rule-cooldown"));
            cooldown.clear();
            cooldown.sendKeys("-5");
            driver.findElement(By.id("save-rule")).click();
            WebElement error = await().atMost(WAIT).until(() -> driver.findElements(By.id("rule-cooldown-error")),
                    found -> !found.isEmpty()).get(0);
            assertTrue(error.getText().startsWith("cooldownSeconds must be between 0 and"), error.getText());
            assertEquals("true", driver.findElement(By.id("rule-cooldown")).getAttribute("aria-invalid"));
            assertEquals("-5", driver.findElement(By.id("rule-cooldown")).getAttribute("value"));
            // the error sits with its field, not elsewhere on the form
            assertEquals(driver.findElement(By.id("rule-cooldown")).findElement(By.xpath("..")),
                    error.findElement(By.xpath("..")));
            assertTrue(driver.findElements(By.id("form-error")).isEmpty());
            shot(browser, "rule-invalid");

            // a text with an unknown placeholder: the error is beside the text
            driver.findElement(By.id("rule-cooldown")).clear();
            driver.findElement(By.id("rule-cooldown")).sendKeys("60");
            driver.findElement(By.id("rule-text")).clear();
            driver.findElement(By.id("rule-text")).sendKeys("Hi {firstName}");
            driver.findElement(By.id("save-rule")).click();
            WebElement textError = await().atMost(WAIT).until(() -> driver.findElements(By.id("rule-text-error")),
                    found -> !found.isEmpty()).get(0);
            assertTrue(textError.getText().contains("{firstName}"), textError.getText());
            assertTrue(driver.findElements(By.id("rule-cooldown-error")).isEmpty());
        }
    }

    @Test
    void everyPageFitsA390PixelScreenWithoutSidewaysScrolling() throws Exception {
        String campaign = LinksTest.newCampaign();
        LinksTest.newLink(campaign, "billboard", "A very long billboard label by the motorway exit");
        try (Browser browser = new Browser(390, 844)) {
            for (String page : List.of("/console/campaigns", "/console/campaigns/" + campaign,
                    "/console/campaigns/" + campaign + "/dashboard", "/console/rules", "/console/rules/new",
                    "/console/replies", "/console/attributions", "/console/coupons")) {
                browser.driver.get(url(page));
                assertFalse(browser.scrollsSideways(), page + " scrolls sideways at 390 px");
                assertEquals(List.of(), browser.js("return Array.from(document.querySelectorAll("
                        + "'input:not([type=hidden]), select, textarea')).filter(function (e) { return e.labels.length === 0; })"
                        + ".map(function (e) { return e.name; });"), page + " has form fields without a label");
                assertTrue(browser.screenshot("390" + page.replace('/', '-')) > MIN_COLOURS / 2, page + " looks blank");
            }
        }
    }

    /** Creates a rule through the form, matching the campaign's links, and lands on the list. */
    private void createRule(Browser browser, String name, String campaign, String text) {
        var driver = browser.driver;
        driver.get(url("/console/rules/new"));
        driver.findElement(By.id("rule-name")).sendKeys(name);
        new Select(driver.findElement(By.id("rule-match-type"))).selectByValue("");
        driver.findElement(By.id("rule-campaigns")).sendKeys(campaign);
        driver.findElement(By.id("rule-text")).sendKeys(text);
        driver.findElement(By.id("save-rule")).click();
        await().atMost(WAIT).until(() -> driver.getCurrentUrl().contains("/console/rules#rule-"));
    }

    private static long chartSum(Browser browser, String canvas) {
        Object sum = browser.js("var c = window.Chart && Chart.getChart(arguments[0]); if (!c) return -1;"
                + " return c.data.datasets.reduce(function (t, d) { return t + d.data.reduce(function (a, b) { return a + b; }, 0); }, 0);",
                canvas);
        return ((Number) sum).longValue();
    }

    private void shot(Browser browser, String name) throws Exception {
        int colours = browser.screenshot(name);
        assertTrue(colours > MIN_COLOURS, name + " looks blank: " + colours + " colours");
        assertFalse(browser.scrollsSideways(), name + " scrolls sideways");
    }
}
