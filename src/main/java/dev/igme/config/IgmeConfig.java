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

    /** Campaigns, links, signed refs and the tracked redirect. */
    Links links();

    /** The web console ({@code /console}). */
    Console console();

    interface Console {
        /**
         * Signs every console visitor in as a demo user with these roles ({@code igme-viewer},
         * {@code igme-admin}) when no OpenID Connect issuer is configured: for the local run and the
         * tests only. Unset (the default) and without an issuer, the console signs nobody in and
         * answers 403 with how to configure sign-in.
         */
        Optional<List<String>> demoRoles();

        /** The name the demo user is shown with. */
        @WithDefault("demo@igme.local")
        String demoUser();
    }

    /** Schema migrations. */
    Database database();

    interface Database {
        /**
         * Whether instances whose roles use PostgreSQL apply the Flyway migrations when they start.
         * Turn it off where a separate Job migrates with a schema-owner user and the service runs as
         * a user without DDL rights (README, Kubernetes).
         */
        @WithDefault("true")
        boolean migrateAtStart();

        /**
         * Apply the migrations and exit (0 when they succeeded, non-zero otherwise), opening no
         * consumer: what a migration Job runs, whatever {@code igme.roles} says.
         */
        @WithDefault("false")
        boolean migrateOnly();
    }

    interface Links {
        /**
         * Keys that sign refs and seal the external ids of personal refs, each
         * {@code <key id>:<base64 secret>} (key id 1-8 letters or digits, secret at least 32 random
         * bytes: {@code openssl rand -base64 32}), comma-separated. The first signs, all verify, so a
         * key is rotated by putting a new one first and removing the old one once its refs no longer
         * matter. Without keys no link can be created and every ref reads as FOREIGN.
         */
        Optional<List<String>> signingKeys();

        /**
         * The public base URL of the tracked redirect, the host that reaches the ingress pods
         * ({@code https://go.example.com}); links answer {@code <public-url>/r/<id>}. Without it links
         * have no tracked URL and their QR codes point at ig.me directly.
         */
        Optional<String> publicUrl();

        /**
         * How often the instances with the replier role publish every link to {@code instagram.links}
         * again (as well as at start and on every change), so that the redirect's directory converges
         * even if a publish after a change was lost.
         */
        @WithDefault("10m")
        Duration republishInterval();
    }

    /** The account doctor: periodic checks of every account, and what it may fix on its own. */
    Doctor doctor();

    /** Account tokens: files, refresh and encryption of the ones the service stores. */
    Tokens tokens();

    interface Doctor {
        /** How often every account is checked (token, subscription, ice breakers, deliveries). */
        @WithDefault("15m")
        Duration interval();

        /**
         * Whether the periodic check also fixes what it can: subscribes the missing webhook fields
         * and sets the ice breakers from an account's {@code ice-breakers-file} when Meta has none
         * or others. Off: the same fixes are offered as admin API calls only.
         */
        @WithDefault("false")
        boolean autoFix();

        /**
         * How often the normalizer records when each account last got a delivery, and the
         * replier refreshes the silence gauges from it.
         */
        @WithDefault("30s")
        Duration activityInterval();
    }

    interface Tokens {
        /**
         * Key that encrypts the tokens the service stores (the refreshed ones), AES-256-GCM:
         * base64 of 32 random bytes ({@code openssl rand -base64 32}). Without it tokens are not
         * refreshed (the doctor says so), since a refreshed token could not be stored safely.
         */
        Optional<String> encryptionKey();

        /**
         * An Instagram Login token the service refreshed is refreshed again once it is this old
         * (Meta: at least 24 hours, and the token lives 60 days). A token the service did not mint
         * (configured, expiry unknown) is refreshed once it has been in use for 24 hours.
         */
        @WithDefault("7d")
        Duration refreshAfter();

        /** How often token files ({@code access-token-file}) are checked for a new token. */
        @WithDefault("30s")
        Duration fileCheckInterval();
    }

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

    /** The funnel and top-refs API ({@code /api/v1/stats}). */
    Stats stats();

    interface Stats {
        /** Longest range ({@code to - from}) one stats query may cover; a longer one is a 400. */
        @WithDefault("400d")
        Duration maxRange();

        /** The range a stats query covers when {@code from} is not given: this long before {@code to}. */
        @WithDefault("30d")
        Duration defaultRange();

        /**
         * Longest a stats query may run in PostgreSQL ({@code statement_timeout}); past it the API
         * answers 503 asking for a narrower range, and the database stops the work.
         */
        @WithDefault("20s")
        Duration queryTimeout();

        /**
         * Time zones whose days are rolled up, besides UTC (always rolled up): a funnel grouped by
         * day in one of them reads whole days from the rollups; in another zone it reads raw rows.
         */
        @WithDefault("UTC")
        List<String> rollupZones();

        /**
         * How often the instances serving the API roll up the days that ended (one replica at a
         * time, by an advisory lock); the first run comes one interval after start and back-fills
         * every day since the first click or attribution.
         */
        @WithDefault("10m")
        Duration rollupInterval();

        /**
         * How many days before the last rolled-up one each run rolls up again, so that late
         * changes (a reply's outcome, a coupon, a late-delivered event) reach the rollups; changes
         * to older days need {@code POST /api/v1/stats/rollups/rebuild}. Whole days; at least 1d.
         */
        @WithDefault("3d")
        Duration rollupLookback();
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
        /**
         * The access token (Instagram user token, or the Page token for facebook-page). Never
         * logged. Either this or {@code access-token-file}.
         */
        Optional<String> accessToken();

        /**
         * A file holding the access token (e.g. a mounted Kubernetes Secret); a new token written
         * there is used without a restart. Either this or {@code access-token}.
         */
        Optional<String> accessTokenFile();

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

        /**
         * The account's Instagram username, for its links: {@code https://ig.me/m/<username>?ref=...}.
         * Campaigns of an account without one cannot get links.
         */
        Optional<String> username();

        /**
         * Meta should deliver something for this account at least this often; longer without a
         * delivery raises a doctor finding and sets {@code igme_account_silent} to 1. Unset: the
         * account is never considered silent.
         */
        Optional<Duration> expectDeliveriesWithin();

        /** The webhook subscription must also hold {@code standby} (the account uses handover). */
        @WithDefault("false")
        boolean subscribeStandby();

        /**
         * A JSON file with the account's ice breakers, in the shape
         * {@code PUT /api/v1/accounts/{id}/ice-breakers} takes; the doctor compares them with
         * Meta's and sets them when {@code igme.doctor.auto-fix} is on.
         */
        Optional<String> iceBreakersFile();

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

        /**
         * Send API calls one replier instance has in flight at most: the HTTP connection pool's size
         * and the largest claim, so that a row is SENDING only while its call can be on the wire (a
         * replier killed mid-claim leaves at most this many FAILED_AMBIGUOUS). Larger claims mean
         * fewer database round trips per reply (but 256 drained no measurably faster than 64 in
         * BENCHMARKS.md's alternating drains); the per-account rate limit still decides how many of a
         * claim's rows go at once.
         */
        @WithDefault("64")
        int maxCallsInFlight();

        /** How often the outbox looks for due replies (it is also woken by every new one). */
        @WithDefault("1s")
        Duration dispatchInterval();

        /** How often rules changed by another instance are picked up. */
        @WithDefault("10s")
        Duration rulesRefreshInterval();

        /** How often the outbox's backlog gauges (rows by status, age of the oldest pending reply) are measured. */
        @WithDefault("15s")
        Duration backlogInterval();
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
