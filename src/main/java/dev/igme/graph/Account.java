package dev.igme.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.igme.config.IgmeConfig;

/**
 * A configured account the service may send for. {@link #toString()} never shows the token.
 *
 * @param tokenFingerprint identifies the token without revealing it (computed once, from the token)
 */
public record Account(String igAccountId, IgmeConfig.Account.Flavour flavour, String accessToken, String pageId,
        double rateLimit, boolean paused, String tokenFingerprint) {

    public Account(String igAccountId, IgmeConfig.Account.Flavour flavour, String accessToken, String pageId,
            double rateLimit, boolean paused) {
        this(igAccountId, flavour, accessToken, pageId, rateLimit, paused, fingerprint(accessToken));
    }

    /**
     * No sends for this account: paused in configuration, or its current token is the one Meta
     * rejected ({@code pausedTokenFingerprint}, null when none was); a new token ends that pause.
     */
    public boolean pausedFor(String pausedTokenFingerprint) {
        return paused || tokenFingerprint.equals(pausedTokenFingerprint);
    }

    private static String fingerprint(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Account[" + igAccountId + ", " + flavour + ", token " + tokenFingerprint + "]";
    }
}
