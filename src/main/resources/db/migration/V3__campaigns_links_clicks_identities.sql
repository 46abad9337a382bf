-- Campaigns and their links: where refs are born. Ids are public (they appear in URLs and on
-- events): a campaign's id is its slug, chosen by people; a link's id is a random code.
CREATE TABLE campaign (
    id            text        PRIMARY KEY,
    name          text        NOT NULL,
    ig_account_id text        NOT NULL,
    description   text,
    starts_at     timestamptz,
    ends_at       timestamptz,
    archived_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A link is never deleted once its ref may be out in the world: it is archived.
CREATE TABLE link (
    id          text        PRIMARY KEY,
    campaign_id text        NOT NULL REFERENCES campaign (id),
    channel     text        NOT NULL,
    label       text        NOT NULL,
    slug        text        NOT NULL,
    -- the link's own signed ref (without click or personal fields)
    ref         text        NOT NULL,
    route       text,
    expires_at  timestamptz,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_campaign_idx ON link (campaign_id, created_at DESC, id DESC);

-- Clicks on the tracked redirect, stored by the normalizer from instagram.link.clicks; a click id
-- is stored once however often the event is delivered. No IP address is ever stored.
CREATE TABLE link_click (
    click_id   text        PRIMARY KEY,
    link_id    text        NOT NULL,
    clicked_at timestamptz NOT NULL,
    device     text        NOT NULL,
    bot        boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_click_link_idx ON link_click (link_id, clicked_at);

-- Verified personal refs bind an Instagram user of an account to the business's own id.
CREATE TABLE identity_binding (
    ig_account_id  text        NOT NULL,
    igsid          text        NOT NULL,
    external_id    text        NOT NULL,
    link_id        text        NOT NULL,
    attribution_id text        NOT NULL,
    first_bound_at timestamptz NOT NULL,
    last_bound_at  timestamptz NOT NULL,
    PRIMARY KEY (ig_account_id, igsid, external_id)
);
CREATE INDEX identity_binding_external_idx ON identity_binding (external_id);

-- What the normalizer read from each ref (all null for attributions stored before links existed).
ALTER TABLE attribution
    ADD COLUMN link_id     text,
    ADD COLUMN campaign_id text,
    ADD COLUMN channel     text,
    ADD COLUMN external_id text,
    ADD COLUMN click_id    text,
    ADD COLUMN ref_status  text;
CREATE INDEX attribution_link_idx ON attribution (link_id, occurred_at) WHERE link_id IS NOT NULL;
CREATE INDEX attribution_click_idx ON attribution (click_id) WHERE click_id IS NOT NULL;

-- Reply rules may match on the link of a verified ref (JSON lists, empty = any), besides the ref
-- pattern, which such a rule may leave out.
ALTER TABLE reply_rule
    ADD COLUMN campaigns text NOT NULL DEFAULT '[]',
    ADD COLUMN channels  text NOT NULL DEFAULT '[]',
    ADD COLUMN links     text NOT NULL DEFAULT '[]',
    ALTER COLUMN match_type DROP NOT NULL,
    ALTER COLUMN pattern DROP NOT NULL;
