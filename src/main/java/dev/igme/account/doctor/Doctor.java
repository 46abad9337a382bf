package dev.igme.account.doctor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.igme.account.activity.Activity;
import dev.igme.account.doctor.Finding.Check;
import dev.igme.account.doctor.Finding.Severity;
import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.account.token.TokenState;
import dev.igme.config.IgmeConfig.Account.Flavour;
import dev.igme.graph.GraphAnswer;
import dev.igme.graph.GraphError;

/**
 * Turns what the Graph API answered about an account, and what the service knows itself (token
 * lifetime, deliveries), into findings: one per {@link Check}, each with a severity and a sentence
 * saying what to do. Pure: no I/O, no clock; a Graph error is a finding, never an exception.
 */
public final class Doctor {

    /** Warn this long before a known expiry. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(7);

    private Doctor() {
    }

    /** Everything the doctor looks at for one account. */
    public record Facts(String account, Flavour flavour, boolean standby, Duration expectDeliveriesWithin,
            IceBreakers wantedIceBreakers, GraphAnswer whoAmI, GraphAnswer subscription, GraphAnswer iceBreakers,
            TokenState token, Activity activity, Instant now) {
    }

    public static DoctorReport examine(Facts facts) {
        List<Finding> findings = new ArrayList<>();
        String username = username(facts);
        findings.add(token(facts, username));
        findings.add(expiry(facts));
        boolean tokenRejected = !facts.whoAmI().isOk() && facts.whoAmI().error().kind() == GraphError.Kind.TOKEN_INVALID;
        findings.add(tokenRejected ? notChecked(Check.SUBSCRIPTION) : subscription(facts));
        findings.add(tokenRejected ? notChecked(Check.ICE_BREAKERS) : iceBreakers(facts));
        findings.add(deliveries(facts));
        return DoctorReport.of(facts.account(), flavourName(facts.flavour()), username, facts.now(), findings);
    }

    /** The fields the app must be subscribed to for this account. */
    public static List<String> requiredFields(Flavour flavour, boolean standby) {
        List<String> fields = new ArrayList<>(List.of("messages", "messaging_postbacks",
                flavour == Flavour.FACEBOOK_PAGE ? "messaging_referrals" : "messaging_referral"));
        if (standby) {
            fields.add("standby");
        }
        return fields;
    }

    /** The fields Meta says the app is subscribed to (all entries of {@code data}); empty when none. */
    public static Set<String> subscribedFields(JsonNode answer) {
        Set<String> fields = new LinkedHashSet<>();
        if (answer != null) {
            for (JsonNode app : answer.path("data")) {
                for (JsonNode field : app.path("subscribed_fields")) {
                    // Graph API v2-style answers list objects ({"name": "messages"}), newer ones strings
                    fields.add(field.isTextual() ? field.asText() : field.path("name").asText());
                }
            }
        }
        return fields;
    }

    /** Required fields missing from the subscription; the referral field counts under either spelling. */
    public static List<String> missingFields(Flavour flavour, boolean standby, Set<String> subscribed) {
        List<String> missing = new ArrayList<>();
        for (String field : requiredFields(flavour, standby)) {
            boolean referral = field.startsWith("messaging_referral");
            boolean present = referral
                    ? subscribed.contains("messaging_referral") || subscribed.contains("messaging_referrals")
                    : subscribed.contains(field);
            if (!present) {
                missing.add(field);
            }
        }
        return missing;
    }

    private static String username(Facts facts) {
        if (!facts.whoAmI().isOk()) {
            return null;
        }
        JsonNode body = facts.whoAmI().body();
        JsonNode name = facts.flavour() == Flavour.FACEBOOK_PAGE
                ? body.path("instagram_business_account").path("username") : body.path("username");
        return name.isTextual() && !name.asText().isBlank() ? name.asText() : null;
    }

    private static Finding token(Facts facts, String username) {
        GraphAnswer answer = facts.whoAmI();
        if (!answer.isOk()) {
            return problem(Check.TOKEN, answer.error(), "checking the token");
        }
        JsonNode body = answer.body();
        if (facts.flavour() == Flavour.FACEBOOK_PAGE) {
            JsonNode linked = body.path("instagram_business_account");
            if (linked.isMissingNode() || linked.isNull()) {
                return new Finding(Check.TOKEN, Severity.ERROR, "The Page token works, but the Page has no linked Instagram"
                        + " professional account: link the account to the Page in the Instagram app or Meta Business Suite.");
            }
            String linkedId = linked.path("id").asText("");
            if (!linkedId.isEmpty() && !linkedId.equals(facts.account())) {
                return new Finding(Check.TOKEN, Severity.ERROR, "The Page is linked to Instagram account " + linkedId
                        + ", not " + facts.account() + ": check page-id and the account id in igme.accounts.");
            }
        } else {
            String userId = body.path("user_id").asText("");
            if (!userId.isEmpty() && !userId.equals(facts.account())) {
                return new Finding(Check.TOKEN, Severity.ERROR, "The token belongs to Instagram account " + userId
                        + ", not " + facts.account() + ": configure the token under its own account id.");
            }
        }
        if (username == null) {
            return new Finding(Check.TOKEN, Severity.WARNING, "The token works, but Meta gave no username: ig.me links"
                    + " need it (https://ig.me/m/<username>); check the account in the Instagram app.");
        }
        return new Finding(Check.TOKEN, Severity.OK, "The token works; links are https://ig.me/m/" + username + "?ref=<ref>.");
    }

    private static Finding expiry(Facts facts) {
        TokenState token = facts.token();
        if (facts.flavour() == Flavour.FACEBOOK_PAGE) {
            return new Finding(Check.TOKEN_EXPIRY, Severity.INFO, "A Page token made from a long-lived user token does"
                    + " not expire; it stops working if the user loses the Page role or changes the password (TOKEN then fails).");
        }
        Instant now = facts.now();
        if (token.expiresAt() != null && !token.expiresAt().isAfter(now)) {
            return new Finding(Check.TOKEN_EXPIRY, Severity.ERROR, "The token expired at " + token.expiresAt()
                    + ": issue a new one (Instagram Login) and put it in access-token or the token file.");
        }
        if (!token.refreshable()) {
            return new Finding(Check.TOKEN_EXPIRY, Severity.WARNING, "Instagram Login tokens expire after 60 days and"
                    + " this one is not refreshed: set igme.tokens.encryption-key so that refreshed tokens can be stored.");
        }
        if (token.refreshError() != null) {
            Severity severity = token.expiresAt() != null && token.expiresAt().isBefore(now.plus(EXPIRY_WARNING))
                    ? Severity.ERROR : Severity.WARNING;
            return new Finding(Check.TOKEN_EXPIRY, severity, "The last refresh failed (" + token.refreshError() + ")"
                    + (token.expiresAt() == null ? "" : "; the token expires at " + token.expiresAt())
                    + ": it is tried again within the hour; if it keeps failing, issue a new token.");
        }
        if (token.expiresAt() == null) {
            return new Finding(Check.TOKEN_EXPIRY, Severity.INFO, "Expiry not known yet: Meta tells it when the token is"
                    + " first refreshed, 24 hours after the service began using it"
                    + (token.inUseSince() == null ? "" : " (" + token.inUseSince() + ")") + ".");
        }
        if (token.expiresAt().isBefore(now.plus(EXPIRY_WARNING))) {
            return new Finding(Check.TOKEN_EXPIRY, Severity.WARNING, "The token expires at " + token.expiresAt()
                    + " and has not been refreshed yet: check that this instance can reach graph.instagram.com.");
        }
        return new Finding(Check.TOKEN_EXPIRY, Severity.OK, "The token expires at " + token.expiresAt()
                + (token.refreshedAt() == null ? "" : " (refreshed at " + token.refreshedAt() + ")")
                + " and is refreshed before then.");
    }

    private static Finding subscription(Facts facts) {
        GraphAnswer answer = facts.subscription();
        if (!answer.isOk()) {
            return problem(Check.SUBSCRIPTION, answer.error(), "reading the webhook subscription");
        }
        Set<String> subscribed = subscribedFields(answer.body());
        String fix = " Fix: POST /api/v1/accounts/" + facts.account() + "/subscriptions (admin), or set igme.doctor.auto-fix=true.";
        if (subscribed.isEmpty()) {
            return new Finding(Check.SUBSCRIPTION, Severity.ERROR, "The app is not subscribed to this account's webhooks:"
                    + " nothing arrives (Meta unsubscribes an app after about an hour of failed deliveries)." + fix, true);
        }
        List<String> missing = missingFields(facts.flavour(), facts.standby(), subscribed);
        if (missing.isEmpty()) {
            return new Finding(Check.SUBSCRIPTION, Severity.OK, "Subscribed to " + String.join(", ", subscribed) + ".");
        }
        boolean refsLost = missing.stream().anyMatch(f -> !f.equals("standby"));
        String why = missing.stream().anyMatch(f -> f.startsWith("messaging_referral"))
                ? " Without the referral field, links followed in existing threads never arrive." : "";
        return new Finding(Check.SUBSCRIPTION, refsLost ? Severity.ERROR : Severity.WARNING,
                "The subscription lacks " + String.join(", ", missing) + "." + why + fix, true);
    }

    private static Finding iceBreakers(Facts facts) {
        GraphAnswer answer = facts.iceBreakers();
        if (!answer.isOk()) {
            return problem(Check.ICE_BREAKERS, answer.error(), "reading the ice breakers");
        }
        IceBreakers current = IceBreakers.fromMeta(answer.body());
        String fix = " Fix: PUT /api/v1/accounts/" + facts.account() + "/ice-breakers (admin)"
                + (facts.wantedIceBreakers() == null ? ", or set its ice-breakers-file." : ", or igme.doctor.auto-fix=true.");
        if (!current.hasDefault()) {
            return new Finding(Check.ICE_BREAKERS, Severity.ERROR, "No ice breakers for the default locale: new"
                    + " threads opened from an ig.me link carry no ref." + fix, facts.wantedIceBreakers() != null);
        }
        if (facts.wantedIceBreakers() != null && !facts.wantedIceBreakers().sameAs(current)) {
            return new Finding(Check.ICE_BREAKERS, Severity.WARNING, "The ice breakers differ from the account's"
                    + " ice-breakers-file." + fix, true);
        }
        long questions = current.locales().stream().mapToLong(l -> l.questions().size()).sum();
        return new Finding(Check.ICE_BREAKERS, Severity.OK, questions + " ice breaker question(s) in "
                + current.locales().size() + " locale(s), including default.");
    }

    private static Finding deliveries(Facts facts) {
        Activity activity = facts.activity();
        Duration expect = facts.expectDeliveriesWithin();
        String last = activity.lastDeliveryAt() == null ? "No delivery seen yet"
                : "Last delivery at " + activity.lastDeliveryAt()
                        + (activity.lastReferralAt() == null ? ", no referral yet" : ", last referral at " + activity.lastReferralAt());
        if (expect == null) {
            return new Finding(Check.DELIVERIES, Severity.INFO, last + "; no expectation set"
                    + " (expect-deliveries-within), so silence raises nothing.");
        }
        if (activity.silent(expect, facts.now())) {
            return new Finding(Check.DELIVERIES, Severity.ERROR, last + ", expected within " + expect.toString().substring(2).toLowerCase()
                    + ": check SUBSCRIPTION above (Meta unsubscribes an app after about an hour of failed deliveries),"
                    + " the webhook's 503 rate, and that the callback URL in the Meta app is this service.");
        }
        return new Finding(Check.DELIVERIES, Severity.OK, last + ".");
    }

    private static Finding notChecked(Check check) {
        return new Finding(check, Severity.WARNING, "Not checked: Meta rejects the token (see TOKEN).");
    }

    /** A Graph error as a finding: what went wrong, and what to do. */
    static Finding problem(Check check, GraphError error, String doing) {
        int code = error.code() == null ? -1 : error.code();
        Integer subcode = error.subcode();
        String meta = " (" + error.describe() + ")";
        if (error.kind() == GraphError.Kind.TOKEN_INVALID) {
            String what = subcode != null && subcode == 463 ? "The token expired"
                    : subcode != null && subcode == 460 ? "The token was invalidated (the password changed)"
                    : "Meta rejects the token";
            return new Finding(check, Severity.ERROR, what + meta + ": replies for this account are paused. Issue a new"
                    + " token and put it in access-token or the token file; the account resumes when the token changes.");
        }
        if (code == 10 || code == 200 || code == 3 || error.kind() == GraphError.Kind.DM_ACCESS_DISABLED) {
            return new Finding(check, Severity.ERROR, "The token lacks a permission for " + doing + meta + ": grant"
                    + " instagram_business_basic and instagram_business_manage_messages (Instagram Login), or"
                    + " instagram_basic, instagram_manage_messages, pages_messaging and pages_manage_metadata (Facebook"
                    + " Login), allow message access in the Instagram app, and issue a new token.");
        }
        if (error.kind() == GraphError.Kind.RATE_LIMITED) {
            return new Finding(check, Severity.WARNING, "Meta rate-limited " + doing + meta + "; checked again at the next run.");
        }
        if (error.kind() == GraphError.Kind.TEMPORARY || error.kind() == GraphError.Kind.AMBIGUOUS) {
            return new Finding(check, Severity.WARNING, capitalised(doing) + " failed for a reason that is usually temporary"
                    + meta + "; checked again at the next run. If it persists, check the Graph API status and igme.graph.*.");
        }
        return new Finding(check, Severity.ERROR, "Meta refused " + doing + meta + ".");
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String flavourName(Flavour flavour) {
        return flavour == Flavour.FACEBOOK_PAGE ? "facebook-page" : "instagram-login";
    }
}
