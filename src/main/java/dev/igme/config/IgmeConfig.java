package dev.igme.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /**
     * What this instance does: any of {@code ingress}, {@code normalizer}, {@code replier},
     * comma-separated. Consumers of absent roles are not opened, an instance without
     * {@code ingress} answers 404 on the webhook.
     */
    @WithDefault("ingress,normalizer,replier")
    String roles();

    /** The Meta webhook endpoint. */
    Webhook webhook();

    /** The Graph API hosts the Send API is called on. */
    Graph graph();

    /**
     * The Instagram professional accounts this service may reply for, keyed by IG account id
     * ({@code igme.accounts."17841400000000001".access-token=...}). An account not listed here is
     * never replied for ({@code SKIPPED_ACCOUNT_NOT_CONFIGURED}).
     */
    Map<String, Account> accounts();

    /** Replies. */
    Reply reply();

    /** Coupon pools, whose codes replies hand out through {coupon}. */
    Coupons coupons();

    interface Coupons {
        /**
         * How often the replier counts the free codes of every pool: the {@code igme.coupons.left}
         * gauges and the warning for a pool below its {@code lowThreshold}.
         */
        @WithDefault("30s")
        Duration checkInterval();

        /** Most codes one upload may hold; a larger one is refused with 413 and nothing stored. */
        @WithDefault("100000")
        int maxUploadCodes();
    }

    interface Graph {
        /** Base URL for accounts using Instagram API with Instagram Login. */
        @WithDefault("https://graph.instagram.com")
        String instagramUrl();

        /** Base URL for accounts using Messenger API for Instagram (a linked Facebook Page). */
        @WithDefault("https://graph.facebook.com")
        String facebookUrl();

        /** Graph API version in the path. */
        @WithDefault("v23.0")
        String version();

        /** Time to establish a connection to the Graph API. */
        @WithDefault("3s")
        Duration connectTimeout();

        /** Time to wait for the Send API's answer once the request is sent. */
        @WithDefault("10s")
        Duration requestTimeout();
    }

    interface Account {
        /** The access token (Instagram user token, or the Page token for facebook-page). Never logged. */
        String accessToken();

        /** {@code instagram-login} (graph.instagram.com) or {@code facebook-page} (graph.facebook.com). */
        @WithDefault("instagram-login")
        Flavour flavour();

        /** The Facebook Page id; required for {@code facebook-page}. */
        Optional<String> pageId();

        /** Send API calls per second for this account; defaults to {@code igme.reply.rate-limit}. */
        Optional<Double> rateLimit();

        /** Stop replying for this account without removing it. */
        @WithDefault("false")
        boolean paused();

        enum Flavour {
            INSTAGRAM_LOGIN, FACEBOOK_PAGE
        }
    }

    interface Reply {
        /**
         * A JSON file with a list of reply rules in the shape {@code /api/v1/reply-rules} accepts,
         * upserted by name at startup (e.g. from a Kubernetes ConfigMap). An invalid file stops startup.
         */
        Optional<String> rulesFile();

        /** A reply is sent only while at least this much of the 24-hour window is left. */
        @WithDefault("5m")
        Duration windowMargin();

        /** Default Send API calls per second per account (token bucket; bursts up to one second's worth). */
        @WithDefault("100")
        double rateLimit();

        /** Attempts per reply before a temporary or rate-limit error becomes final. */
        @WithDefault("8")
        int maxAttempts();

        /** First backoff after a temporary or rate-limit error; doubles per attempt, with jitter. */
        @WithDefault("1s")
        Duration retryInitialBackoff();

        /** Longest backoff between two attempts. */
        @WithDefault("5m")
        Duration retryMaxBackoff();

        /**
         * Whether a Send API call that timed out after the request was sent is retried. Meta has no
         * idempotency key, so the first call may have been delivered: retrying risks a duplicate
         * message, not retrying risks none. Off by default ({@code FAILED_AMBIGUOUS}).
         */
        @WithDefault("false")
        boolean retryAfterTimeout();

        /**
         * A reply still SENDING after this long belongs to an instance that died mid-call: it is
         * marked FAILED_AMBIGUOUS and never sent again. Must exceed the request timeout.
         */
        @WithDefault("2m")
        Duration sendingTimeout();

        /** How often the outbox looks for due replies (it is also woken by every new one). */
        @WithDefault("1s")
        Duration dispatchInterval();

        /** How often rules changed by another instance are picked up. */
        @WithDefault("10s")
        Duration rulesRefreshInterval();
    }

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

        /**
         * Body bytes of deliveries that may wait for the broker's acknowledgement at once. When a
         * slow or stalled broker lets more pile up, further deliveries get 503 at once (Meta
         * retries them) instead of filling the heap. At a normal pace only a few hundred KiB wait.
         */
        @WithDefault("32M")
        MemorySize maxPendingSize();
    }
}
