package dev.igme.account.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.account.activity.Activity;
import dev.igme.account.doctor.Finding.Check;
import dev.igme.account.doctor.Finding.Severity;
import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.account.token.TokenState;
import dev.igme.config.IgmeConfig.Account.Flavour;
import dev.igme.graph.GraphAnswer;
import dev.igme.graph.GraphError;

/** Every finding of the doctor, for both login flavours, from Graph API answers as Meta gives them. */
class DoctorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ACCOUNT = "17841400000000001";
    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

    private static final GraphAnswer IG_ME = ok("{\"id\":\"9990001\",\"user_id\":\"" + ACCOUNT + "\",\"username\":\"acme.shop\"}");
    private static final GraphAnswer PAGE_ME = ok("{\"id\":\"100000000000002\",\"name\":\"Acme\","
            + "\"instagram_business_account\":{\"id\":\"" + ACCOUNT + "\",\"username\":\"acme.page\"}}");
    private static final GraphAnswer IG_SUBSCRIBED = ok("{\"data\":[{\"subscribed_fields\":"
            + "[\"messages\",\"messaging_postbacks\",\"messaging_referral\"]}]}");
    private static final GraphAnswer PAGE_SUBSCRIBED = ok("{\"data\":[{\"id\":\"1234\",\"name\":\"igme\",\"subscribed_fields\":"
            + "[\"messages\",\"messaging_postbacks\",\"messaging_referrals\",\"message_reads\"]}]}");
    private static final GraphAnswer ICE_BREAKERS = ok("{\"data\":[{\"ice_breakers\":[{\"call_to_actions\":"
            + "[{\"question\":\"Sizes?\",\"payload\":\"SIZES\"}],\"locale\":\"default\"}]}]}");
    private static final TokenState REFRESHED = new TokenState(NOW.minus(Duration.ofDays(20)), NOW.minus(Duration.ofDays(2)),
            NOW.plus(Duration.ofDays(58)), null, true);
    private static final Activity RECENT = new Activity(NOW.minusSeconds(60), NOW.minusSeconds(600), NOW.minus(Duration.ofDays(3)));

    private static Doctor.Facts facts(Flavour flavour, GraphAnswer me, GraphAnswer subscription, GraphAnswer iceBreakers) {
        return new Doctor.Facts(ACCOUNT, flavour, false, Duration.ofHours(1), null, me, subscription, iceBreakers,
                flavour == Flavour.FACEBOOK_PAGE ? TokenState.unknown(false) : REFRESHED, RECENT, NOW);
    }

    private static DoctorReport healthy(Flavour flavour) {
        return flavour == Flavour.FACEBOOK_PAGE ? Doctor.examine(facts(flavour, PAGE_ME, PAGE_SUBSCRIBED, ICE_BREAKERS))
                : Doctor.examine(facts(flavour, IG_ME, IG_SUBSCRIBED, ICE_BREAKERS));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aHealthyAccountHasOneFindingPerCheckAndNothingWorseThanInfo(Flavour flavour) {
        DoctorReport report = healthy(flavour);
        assertEquals(Check.values().length, report.findings().size());
        assertTrue(report.worst().compareTo(Severity.INFO) <= 0, report.toString());
        assertEquals(flavour == Flavour.FACEBOOK_PAGE ? "acme.page" : "acme.shop", report.username());
        assertTrue(report.finding(Check.TOKEN).message().contains("https://ig.me/m/" + report.username()));
    }

    @Test
    void requiredFieldsUseEachFlavoursNameForReferrals() {
        assertEquals(List.of("messages", "messaging_postbacks", "messaging_referral"), Doctor.requiredFields(Flavour.INSTAGRAM_LOGIN, false));
        assertEquals(List.of("messages", "messaging_postbacks", "messaging_referrals", "standby"),
                Doctor.requiredFields(Flavour.FACEBOOK_PAGE, true));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void anAppThatIsNotSubscribedGetsNothingAndTheFindingIsFixable(Flavour flavour) {
        DoctorReport report = Doctor.examine(facts(flavour, flavour == Flavour.FACEBOOK_PAGE ? PAGE_ME : IG_ME,
                ok("{\"data\":[]}"), ICE_BREAKERS));
        Finding finding = report.finding(Check.SUBSCRIPTION);
        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.fixable());
        assertTrue(finding.message().contains("not subscribed"), finding.message());
        assertTrue(finding.message().contains("POST /api/v1/accounts/" + ACCOUNT + "/subscriptions"), finding.message());
    }

    @ParameterizedTest
    @CsvSource({"INSTAGRAM_LOGIN, messaging_referral", "FACEBOOK_PAGE, messaging_referrals"})
    void aMissingReferralFieldMeansLinksInExistingThreadsNeverArrive(Flavour flavour, String field) {
        DoctorReport report = Doctor.examine(facts(flavour, flavour == Flavour.FACEBOOK_PAGE ? PAGE_ME : IG_ME,
                ok("{\"data\":[{\"subscribed_fields\":[\"messages\",\"messaging_postbacks\"]}]}"), ICE_BREAKERS));
        Finding finding = report.finding(Check.SUBSCRIPTION);
        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.message().contains("lacks " + field + "."), finding.message());
        assertTrue(finding.message().contains("existing threads"), finding.message());
    }

    @Test
    void standbyIsRequiredOnlyWhereConfiguredAndItsAbsenceIsAWarning() {
        Doctor.Facts base = facts(Flavour.INSTAGRAM_LOGIN, IG_ME, IG_SUBSCRIBED, ICE_BREAKERS);
        Doctor.Facts withStandby = new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, true, base.expectDeliveriesWithin(),
                null, IG_ME, IG_SUBSCRIBED, ICE_BREAKERS, REFRESHED, RECENT, NOW);
        assertEquals(Severity.OK, Doctor.examine(base).finding(Check.SUBSCRIPTION).severity());
        Finding finding = Doctor.examine(withStandby).finding(Check.SUBSCRIPTION);
        assertEquals(Severity.WARNING, finding.severity());
        assertTrue(finding.message().contains("lacks standby"), finding.message());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void noIceBreakersForTheDefaultLocaleMeansNewThreadsCarryNoRef(Flavour flavour) {
        for (String answer : List.of("{\"data\":[]}", "{\"data\":[{\"ice_breakers\":[{\"call_to_actions\":"
                + "[{\"question\":\"Hola?\",\"payload\":\"HOLA\"}],\"locale\":\"es_ES\"}]}]}")) {
            DoctorReport report = Doctor.examine(facts(flavour, flavour == Flavour.FACEBOOK_PAGE ? PAGE_ME : IG_ME,
                    flavour == Flavour.FACEBOOK_PAGE ? PAGE_SUBSCRIBED : IG_SUBSCRIBED, ok(answer)));
            Finding finding = report.finding(Check.ICE_BREAKERS);
            assertEquals(Severity.ERROR, finding.severity(), answer);
            assertTrue(finding.message().contains("carry no ref"), finding.message());
            assertFalse(finding.fixable(), "nothing configured to set them from");
        }
    }

    @Test
    void iceBreakersThatDifferFromTheFileAreAFixableWarning() {
        IceBreakers wanted = new IceBreakers(List.of(new IceBreakers.Locale("default",
                List.of(new IceBreakers.Question("Shipping?", "SHIPPING")))));
        Doctor.Facts facts = new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, false, null, wanted, IG_ME, IG_SUBSCRIBED,
                ICE_BREAKERS, REFRESHED, RECENT, NOW);
        Finding finding = Doctor.examine(facts).finding(Check.ICE_BREAKERS);
        assertEquals(Severity.WARNING, finding.severity());
        assertTrue(finding.fixable());
        Doctor.Facts none = new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, false, null, wanted, IG_ME, IG_SUBSCRIBED,
                ok("{\"data\":[]}"), REFRESHED, RECENT, NOW);
        assertTrue(Doctor.examine(none).finding(Check.ICE_BREAKERS).fixable());
    }

    @Test
    void aTokenOfAnotherInstagramAccountIsAnError() {
        DoctorReport report = Doctor.examine(facts(Flavour.INSTAGRAM_LOGIN,
                ok("{\"id\":\"1\",\"user_id\":\"17841400000000999\",\"username\":\"other\"}"), IG_SUBSCRIBED, ICE_BREAKERS));
        assertEquals(Severity.ERROR, report.finding(Check.TOKEN).severity());
        assertTrue(report.finding(Check.TOKEN).message().contains("17841400000000999"));
    }

    @Test
    void aPageWithoutALinkedInstagramAccountIsAnError() {
        DoctorReport report = Doctor.examine(facts(Flavour.FACEBOOK_PAGE, ok("{\"id\":\"100000000000002\",\"name\":\"Acme\"}"),
                PAGE_SUBSCRIBED, ICE_BREAKERS));
        assertEquals(Severity.ERROR, report.finding(Check.TOKEN).severity());
        assertTrue(report.finding(Check.TOKEN).message().contains("no linked Instagram"));
        assertNull(report.username());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void anExpiredTokenIsAnErrorThatSaysHowToResumeAndTheOtherChecksWait(Flavour flavour) {
        GraphAnswer expired = error(400, "{\"error\":{\"message\":\"Error validating access token: Session has expired\","
                + "\"type\":\"OAuthException\",\"code\":190,\"error_subcode\":463}}");
        DoctorReport report = Doctor.examine(facts(flavour, expired, expired, expired));
        Finding token = report.finding(Check.TOKEN);
        assertEquals(Severity.ERROR, token.severity());
        assertTrue(token.message().startsWith("The token expired"), token.message());
        assertTrue(token.message().contains("resumes when the token changes"), token.message());
        assertEquals(Severity.WARNING, report.finding(Check.SUBSCRIPTION).severity());
        assertTrue(report.finding(Check.SUBSCRIPTION).message().startsWith("Not checked"));
        assertEquals(Severity.ERROR, report.worst());
    }

    @ParameterizedTest(name = "code {0}/{1} on flavour {2}")
    @CsvSource({"10, 0, INSTAGRAM_LOGIN", "200, 0, INSTAGRAM_LOGIN", "10, 0, FACEBOOK_PAGE", "200, 0, FACEBOOK_PAGE",
            "200, 2534041, INSTAGRAM_LOGIN"})
    void aMissingPermissionIsAnErrorNamingThePermissions(int code, int subcode, Flavour flavour) {
        GraphAnswer denied = error(403, "{\"error\":{\"message\":\"(#" + code + ") Requires permission\",\"code\":" + code
                + (subcode == 0 ? "" : ",\"error_subcode\":" + subcode) + "}}");
        DoctorReport report = Doctor.examine(facts(flavour, flavour == Flavour.FACEBOOK_PAGE ? PAGE_ME : IG_ME, denied, denied));
        for (Check check : List.of(Check.SUBSCRIPTION, Check.ICE_BREAKERS)) {
            Finding finding = report.finding(check);
            assertEquals(Severity.ERROR, finding.severity());
            assertTrue(finding.message().contains("lacks a permission"), finding.message());
            assertTrue(finding.message().contains("instagram_business_manage_messages"), finding.message());
        }
    }

    @ParameterizedTest(name = "HTTP {0} code {1}")
    @CsvSource({"400, 4", "400, 613", "400, 17", "500, 1", "503, -1"})
    void rateLimitsAndServerErrorsAreWarningsCheckedAgainLater(int status, int code) {
        GraphAnswer failing = error(status, code < 0 ? null : "{\"error\":{\"message\":\"busy\",\"code\":" + code + "}}");
        for (Flavour flavour : Flavour.values()) {
            DoctorReport report = Doctor.examine(facts(flavour, failing, failing, failing));
            for (Check check : List.of(Check.TOKEN, Check.SUBSCRIPTION, Check.ICE_BREAKERS)) {
                Finding finding = report.finding(check);
                assertEquals(Severity.WARNING, finding.severity(), finding.message());
                assertTrue(finding.message().contains("checked again at the next run"), finding.message());
            }
        }
    }

    @Test
    void aNetworkFailureIsAWarningToo() {
        GraphAnswer unreachable = GraphAnswer.failed(new GraphError(GraphError.Kind.TEMPORARY, 0, null, null,
                "could not connect: Connection refused"));
        DoctorReport report = Doctor.examine(facts(Flavour.INSTAGRAM_LOGIN, unreachable, unreachable, unreachable));
        assertEquals(Severity.WARNING, report.worst());
    }

    @Test
    void tokenExpiryForInstagramLogin() {
        assertEquals(Severity.OK, expiry(REFRESHED).severity());
        assertEquals(Severity.WARNING, expiry(TokenState.unknown(false)).severity(), "no key: never refreshed");
        assertTrue(expiry(TokenState.unknown(false)).message().contains("igme.tokens.encryption-key"));
        assertEquals(Severity.INFO, expiry(new TokenState(NOW.minusSeconds(60), null, null, null, true)).severity());
        assertEquals(Severity.ERROR, expiry(new TokenState(NOW.minus(Duration.ofDays(70)), NOW.minus(Duration.ofDays(61)),
                NOW.minus(Duration.ofDays(1)), null, true)).severity());
        assertEquals(Severity.WARNING, expiry(new TokenState(NOW.minus(Duration.ofDays(5)), NOW.minus(Duration.ofDays(5)),
                NOW.plus(Duration.ofDays(55)), "TOKEN_INVALID (HTTP 400, code 190)", true)).severity());
        assertEquals(Severity.ERROR, expiry(new TokenState(NOW.minus(Duration.ofDays(56)), NOW.minus(Duration.ofDays(56)),
                NOW.plus(Duration.ofDays(4)), "TEMPORARY (HTTP 503)", true)).severity());
        assertEquals(Severity.INFO, healthy(Flavour.FACEBOOK_PAGE).finding(Check.TOKEN_EXPIRY).severity());
    }

    private static Finding expiry(TokenState token) {
        return Doctor.examine(new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, false, null, null, IG_ME, IG_SUBSCRIBED,
                ICE_BREAKERS, token, RECENT, NOW)).finding(Check.TOKEN_EXPIRY);
    }

    @Test
    void deliveries() {
        Finding recent = healthy(Flavour.INSTAGRAM_LOGIN).finding(Check.DELIVERIES);
        assertEquals(Severity.OK, recent.severity());
        Activity quiet = new Activity(NOW.minus(Duration.ofHours(2)), null, NOW.minus(Duration.ofDays(3)));
        Finding silent = Doctor.examine(new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, false, Duration.ofHours(1), null,
                IG_ME, IG_SUBSCRIBED, ICE_BREAKERS, REFRESHED, quiet, NOW)).finding(Check.DELIVERIES);
        assertEquals(Severity.ERROR, silent.severity());
        assertTrue(silent.message().contains("expected within 1h"), silent.message());
        Finding noExpectation = Doctor.examine(new Doctor.Facts(ACCOUNT, Flavour.INSTAGRAM_LOGIN, false, null, null,
                IG_ME, IG_SUBSCRIBED, ICE_BREAKERS, REFRESHED, quiet, NOW)).finding(Check.DELIVERIES);
        assertEquals(Severity.INFO, noExpectation.severity());
    }

    private static GraphAnswer ok(String json) {
        try {
            return GraphAnswer.ok(MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GraphAnswer error(int status, String json) {
        try {
            return GraphAnswer.failed(GraphError.classify(status, json == null ? null : MAPPER.readTree(json)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
