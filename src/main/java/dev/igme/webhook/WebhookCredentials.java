package dev.igme.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.regex.Pattern;

import dev.igme.config.IgmeConfig;

/**
 * What proves a request comes from Meta: the verify token of the subscription handshake and the
 * app secrets deliveries are signed with. {@link #from} refuses to build them from a configuration
 * that lacks either, naming the property and its environment variable, so that an ingress never
 * starts unable to tell Meta from anyone else.
 */
public final class WebhookCredentials {

    /** Meta's challenges are short numeric strings; letters and digits leave room for others. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9]{1,128}");

    public enum Handshake { ACCEPTED, FORBIDDEN, BAD_CHALLENGE }

    private final byte[] verifyToken;
    private final SignatureVerifier verifier;

    private WebhookCredentials(byte[] verifyToken, SignatureVerifier verifier) {
        this.verifyToken = verifyToken;
        this.verifier = verifier;
    }

    /** @throws IllegalStateException naming what is missing */
    public static WebhookCredentials from(IgmeConfig.Webhook config) {
        String token = config.verifyToken().filter(t -> !t.isBlank()).orElseThrow(() -> missing(
                "igme.webhook.verify-token", "IGME_WEBHOOK_VERIFY_TOKEN",
                "the token you enter in the Meta App Dashboard's webhook settings"));
        List<String> secrets = config.appSecrets().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
        if (secrets.isEmpty()) {
            throw missing("igme.webhook.app-secrets", "IGME_WEBHOOK_APP_SECRETS",
                    "the App Secret(s) Meta signs deliveries with, comma-separated");
        }
        return new WebhookCredentials(token.getBytes(StandardCharsets.UTF_8), new SignatureVerifier(secrets));
    }

    /** The subscription handshake: the mode and token must be right, and the challenge safe to echo. */
    public Handshake handshake(String mode, String token, String challenge) {
        boolean tokenMatches = token != null && MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !tokenMatches) {
            return Handshake.FORBIDDEN;
        }
        if (challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            return Handshake.BAD_CHALLENGE;
        }
        return Handshake.ACCEPTED;
    }

    /** Whether {@code signature} (an {@code X-Hub-Signature-256} value) signs {@code body} under any app secret. */
    boolean verify(String signature, byte[] body) {
        return verifier.verify(signature, body);
    }

    private static IllegalStateException missing(String property, String env, String what) {
        return new IllegalStateException("Missing required configuration " + property
                + " (environment variable " + env + "): " + what + ". The webhook cannot start without it.");
    }
}
