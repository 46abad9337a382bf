-- One row per referral item Meta delivered, whatever the number of times it was delivered:
-- attribution_id is derived from the item (its mid, or a hash of account, sender, timestamp,
-- ref and source), and inserts are ON CONFLICT DO NOTHING.
CREATE TABLE attribution (
    attribution_id   text        PRIMARY KEY,
    ig_account_id    text        NOT NULL,
    igsid            text        NOT NULL,
    scenario         text        NOT NULL,
    new_thread       boolean     NOT NULL,
    ref              text,
    ref_valid        boolean     NOT NULL,
    source           text,
    source_category  text        NOT NULL,
    type             text,
    message_id       text,
    postback_title   text,
    postback_payload text,
    ad_id            text,
    -- ads_context_data as received, JSON text (kept as text so that any JSON Meta sends is stored)
    ads_context      text,
    product_id       text,
    occurred_at      timestamptz NOT NULL,
    received_at      timestamptz NOT NULL,
    delivery_id      text,
    standby          boolean     NOT NULL,
    test             boolean     NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- The read API pages newest first, by account or across accounts.
CREATE INDEX attribution_occurred_idx ON attribution (occurred_at DESC, attribution_id DESC);
CREATE INDEX attribution_account_occurred_idx ON attribution (ig_account_id, occurred_at DESC, attribution_id DESC);
-- Exact ref match at any length (a hash index has no row size limit), and prefix search on the
-- first 200 characters (refs may be longer than a b-tree entry can hold).
CREATE INDEX attribution_ref_idx ON attribution USING hash (ref);
CREATE INDEX attribution_ref_prefix_idx ON attribution (left(ref, 200) text_pattern_ops);

-- The messaging window per (account, user): moved by each item's own timestamp, never by arrival
-- order, so it only ever grows (GREATEST).
CREATE TABLE conversation (
    ig_account_id            text        NOT NULL,
    igsid                    text        NOT NULL,
    last_inbound_at          timestamptz,
    last_business_message_at timestamptz,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ig_account_id, igsid)
);
