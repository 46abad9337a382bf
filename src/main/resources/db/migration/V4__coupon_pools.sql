-- Coupon pools: codes uploaded by people, handed out by the replier through a rule's {coupon}.
CREATE TABLE coupon_pool (
    id            bigserial   PRIMARY KEY,
    name          text        NOT NULL UNIQUE,
    description   text,
    low_threshold integer     NOT NULL DEFAULT 0 CHECK (low_threshold >= 0),
    -- when the pool was found below low_threshold (warned once); null again once refilled
    low_since     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per code. A code is free until issued_at is set, together with the conversation and
-- the attribution it went to; issued codes are never deleted (the pool cannot be deleted then).
CREATE TABLE coupon (
    id             bigserial   PRIMARY KEY,
    pool_id        bigint      NOT NULL REFERENCES coupon_pool (id),
    code           text        NOT NULL,
    ig_account_id  text,
    igsid          text,
    attribution_id text,
    issued_at      timestamptz,
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    -- a code exists once per pool, so it can be issued once
    UNIQUE (pool_id, code),
    CHECK ((issued_at IS NULL) = (igsid IS NULL) AND (igsid IS NULL) = (ig_account_id IS NULL)
           AND (igsid IS NULL) = (attribution_id IS NULL))
);
-- At most one code per conversation and pool, whatever the number of repliers: a second issue
-- fails in the database itself.
CREATE UNIQUE INDEX coupon_one_per_conversation ON coupon (pool_id, ig_account_id, igsid) WHERE issued_at IS NOT NULL;
-- The free codes of a pool, in upload order: what allocation takes (FOR UPDATE SKIP LOCKED).
CREATE INDEX coupon_free_idx ON coupon (pool_id, id) WHERE issued_at IS NULL;

-- A rule whose text has {coupon} names its pool (by name, as in the rules file).
ALTER TABLE reply_rule ADD COLUMN coupon_pool text;

-- The code a reply carries (null for replies without {coupon}).
ALTER TABLE reply ADD COLUMN coupon_code text;
