package dev.igme.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.igme.config.IgmeConfig;
import io.quarkus.runtime.configuration.MemorySize;

/** Startup refuses to run without a verify token and an app secret, naming what is missing. */
class WebhookIngressConfigTest {

    @Test
    void missingVerifyTokenIsNamed() {
        var e = assertThrows(IllegalStateException.class,
                () -> WebhookCredentials.from(config(Optional.empty(), Optional.of(List.of("s")))));
        assertTrue(e.getMessage().contains("igme.webhook.verify-token"), e.getMessage());
        assertTrue(e.getMessage().contains("IGME_WEBHOOK_VERIFY_TOKEN"), e.getMessage());
    }

    @Test
    void blankVerifyTokenCountsAsMissing() {
        var e = assertThrows(IllegalStateException.class,
                () -> WebhookCredentials.from(config(Optional.of("  "), Optional.of(List.of("s")))));
        assertTrue(e.getMessage().contains("igme.webhook.verify-token"), e.getMessage());
    }

    @Test
    void missingAppSecretIsNamed() {
        var e = assertThrows(IllegalStateException.class,
                () -> WebhookCredentials.from(config(Optional.of("t"), Optional.empty())));
        assertTrue(e.getMessage().contains("igme.webhook.app-secrets"), e.getMessage());
        var blank = assertThrows(IllegalStateException.class,
                () -> WebhookCredentials.from(config(Optional.of("t"), Optional.of(List.of(" ")))));
        assertTrue(blank.getMessage().contains("igme.webhook.app-secrets"), blank.getMessage());
    }

    @Test
    void tokenAndSecretAreEnough() {
        assertDoesNotThrow(() -> WebhookCredentials.from(config(Optional.of("t"), Optional.of(List.of("s")))));
    }

    static IgmeConfig.Webhook config(Optional<String> token, Optional<List<String>> secrets) {
        return new IgmeConfig.Webhook() {
            public Optional<String> verifyToken() {
                return token;
            }

            public Optional<List<String>> appSecrets() {
                return secrets;
            }

            public MemorySize maxBodySize() {
                return new MemorySize(java.math.BigInteger.valueOf(8L << 20));
            }

            public Duration ackTimeout() {
                return Duration.ofSeconds(2);
            }

            public Duration retryAfter() {
                return Duration.ofSeconds(5);
            }

            public MemorySize maxPendingSize() {
                return new MemorySize(java.math.BigInteger.valueOf(1L << 20));
            }
        };
    }
}
