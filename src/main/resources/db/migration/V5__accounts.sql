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

-- Replays of the raw topic and re-drives of dead letters: the offsets reached per partition are
-- stored after every batch, so that a job interrupted by a restart resumes where it stopped.
CREATE TABLE replay_job (
    id           bigserial   PRIMARY KEY,
    kind         text        NOT NULL,
    topic        text        NOT NULL,
    range_from   timestamptz,
    range_to     timestamptz,
    status       text        NOT NULL,
    positions    text        NOT NULL,
    total        bigint      NOT NULL,
    processed    bigint      NOT NULL DEFAULT 0,
    owner        text,
    heartbeat_at timestamptz,
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
