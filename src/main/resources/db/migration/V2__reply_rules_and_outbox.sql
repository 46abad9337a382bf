-- Which ref gets which reply. List-valued fields are JSON text (["ICEBREAKER_POSTBACK", ...]).
CREATE TABLE reply_rule (
    id               bigserial   PRIMARY KEY,
    name             text        NOT NULL UNIQUE,
    match_type       text        NOT NULL,
    pattern          text        NOT NULL,
    case_insensitive boolean     NOT NULL DEFAULT false,
    scenarios        text        NOT NULL,
    accounts         text        NOT NULL,
    priority         integer     NOT NULL DEFAULT 0,
    cooldown_seconds bigint      NOT NULL DEFAULT 0,
    enabled          boolean     NOT NULL DEFAULT true,
    message_text     text        NOT NULL,
    quick_replies    text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The reply outbox: at most one row per attribution, ever (the unique constraint is what makes a
-- second reply impossible, whatever the number of events, instances or restarts).
-- status: PENDING -> SENDING -> SENT, or SKIPPED_<reason> / FAILED_<reason>.
CREATE TABLE reply (
    id                bigserial   PRIMARY KEY,
    attribution_id    text        NOT NULL UNIQUE,
    ig_account_id     text        NOT NULL,
    igsid             text        NOT NULL,
    ref               text,
    scenario          text        NOT NULL,
    rule_id           bigint      REFERENCES reply_rule (id) ON DELETE SET NULL,
    rule_name         text,
    status            text        NOT NULL,
    text              text,
    quick_replies     text,
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz,
    window_expires_at timestamptz,
    message_id        text,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz
);
CREATE INDEX reply_due_idx ON reply (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX reply_sending_idx ON reply (updated_at) WHERE status = 'SENDING';
CREATE INDEX reply_cooldown_idx ON reply (ig_account_id, igsid, rule_id, created_at DESC);
CREATE INDEX reply_status_idx ON reply (status, id DESC);

-- Accounts whose token Meta rejected (error 190): no sends until the token changes.
CREATE TABLE account_pause (
    ig_account_id     text        PRIMARY KEY,
    token_fingerprint text        NOT NULL,
    reason            text        NOT NULL,
    paused_at         timestamptz NOT NULL DEFAULT now()
);
