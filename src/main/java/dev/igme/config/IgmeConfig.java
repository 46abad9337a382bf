package dev.igme.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * All of the service's own configuration, under the {@code igme.} prefix. Every property is
 * listed with its default in the README's configuration table.
 */
@ConfigMapping(prefix = "igme")
public interface IgmeConfig {

    /** The Meta webhook endpoint. */
    Webhook webhook();

    interface Webhook {

        /**
         * The token Meta sends back in the subscription handshake ({@code hub.verify_token}).
         * Required: the service refuses to start without it.
         */
        Optional<String> verifyToken();

        /**
         * App secrets that may sign deliveries ({@code X-Hub-Signature-256}); a match on any of
         * them is accepted, so a secret can be rotated, or apps with different secrets (Instagram
         * Login and Facebook Login) can share one endpoint. At least one is required.
         */
        Optional<List<String>> appSecrets();

        /**
         * Largest delivery body accepted; larger ones get 413 without being buffered. Meta
         * batches up to about 1,000 updates in one POST, a few KiB each at most.
         */
        @WithDefault("8M")
        MemorySize maxBodySize();

        /**
         * How long a delivery may wait for the broker's acknowledgement before the webhook
         * answers 503 so that Meta retries. Keep it well under Meta's 5 s response budget.
         */
        @WithDefault("2s")
        Duration ackTimeout();

        /** The {@code Retry-After} sent with a 503. */
        @WithDefault("5s")
        Duration retryAfter();
    }
}
