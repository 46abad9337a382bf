-- Owned by dev.igme.account: only that package writes these tables.

-- Per account, the configured token in use (by fingerprint, never the token), since when, and the
-- token the service refreshed from it, encrypted with AES-256-GCM (igme.tokens.encryption-key).
-- When the configured token changes the row starts over.
CREATE TABLE account_token (
    ig_account_id      text        PRIMARY KEY,
    source_fingerprint text        NOT NULL,
    in_use_since       timestamptz NOT NULL,
    token_sealed       text,
    refreshed_at       timestamptz,
    expires_at         timestamptz,
    refresh_error      text,
    refresh_failed_at  timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Per configured account, when its latest delivery and referral arrived (times only grow), and
-- since when it is watched (an account with no delivery yet counts as silent from then).
CREATE TABLE account_activity (
    ig_account_id    text        PRIMARY KEY,
    last_delivery_at timestamptz,
    last_referral_at timestamptz,
    watched_since    timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
