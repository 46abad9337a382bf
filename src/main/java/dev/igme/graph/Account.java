package dev.igme.graph;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Hashes;

/**
 * A configured account the service may send for. {@link #toString()} never shows the token.
 *
 * @param tokenFingerprint identifies the token without revealing it (computed once, from the token)
 */
public record Account(String igAccountId, IgmeConfig.Account.Flavour flavour, String accessToken, String pageId,
        double rateLimit, boolean paused, String tokenFingerprint) {

    public Account(String igAccountId, IgmeConfig.Account.Flavour flavour, String accessToken, String pageId,
            double rateLimit, boolean paused) {
        this(igAccountId, flavour, accessToken, pageId, rateLimit, paused, Hashes.fingerprint(accessToken, 8));
    }

    /**
     * No sends for this account: paused in configuration, or its current token is the one Meta
     * rejected ({@code pausedTokenFingerprint}, null when none was); a new token ends that pause.
     */
    public boolean pausedFor(String pausedTokenFingerprint) {
        return paused || tokenFingerprint.equals(pausedTokenFingerprint);
    }

    /** The same account with another token (and so another fingerprint). */
    public Account withToken(String token) {
        return new Account(igAccountId, flavour, token, pageId, rateLimit, paused);
    }

    @Override
    public String toString() {
        return "Account[" + igAccountId + ", " + flavour + ", token " + tokenFingerprint + "]";
    }
}
