package dev.igme.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.igme.config.IgmeConfig;

/** A configured account the service may send for. {@link #toString()} never shows the token. */
public record Account(String igAccountId, IgmeConfig.Account.Flavour flavour, String accessToken, String pageId,
        double rateLimit, boolean paused) {

    /** Identifies the token without revealing it: a pause for a rejected token ends when the token changes. */
    public String tokenFingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Account[" + igAccountId + ", " + flavour + ", token " + tokenFingerprint() + "]";
    }
}
