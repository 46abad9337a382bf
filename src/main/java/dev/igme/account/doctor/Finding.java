package dev.igme.account.doctor;

/**
 * One thing the doctor found about an account: which check, how bad, a sentence saying what it
 * means and what to do, and whether the service can fix it itself (subscribe the missing fields,
 * set the ice breakers).
 */
public record Finding(Check check, Severity severity, String message, boolean fixable) {

    public Finding(Check check, Severity severity, String message) {
        this(check, severity, message, false);
    }

    /** What was checked. */
    public enum Check {
        /** The token works and belongs to the account; the username for ig.me links. */
        TOKEN,
        /** When the token expires, and whether it is refreshed. */
        TOKEN_EXPIRY,
        /** The app's webhook subscription holds the fields refs arrive in. */
        SUBSCRIPTION,
        /** Ice breakers exist for the default locale (else new threads carry no ref). */
        ICE_BREAKERS,
        /** Deliveries arrived within the account's expectation. */
        DELIVERIES
    }

    /** Worst last. */
    public enum Severity {
        /** Checked and fine. */
        OK,
        /** Worth knowing, nothing to do now. */
        INFO,
        /** Something to do soon, or a check that could not be made this time. */
        WARNING,
        /** Refs are being lost, or will be: act now. */
        ERROR
    }
}
