-- Owned by dev.igme.stats: daily rollups of the funnel and of the top refs, so that a year of a
-- large account is summed from a few hundred thousand rows instead of tens of millions. Written
-- only by the rollup job (dev.igme.stats.Rollups), always recomputed whole days from the
-- idempotent raw rows (DELETE + INSERT per day), so a run repeated or replayed changes nothing.

-- One row per day (in `zone`) and link that had clicks or conversations; no row = zeros.
-- Counts are per day and link: distinct counts (referrals_from_clicks, bound_identities) are
-- distinct within that day and link only (README, "Stats: the funnel").
CREATE TABLE stats_link_day (
    zone                      text      NOT NULL,
    day                       date      NOT NULL,
    link_id                   text      NOT NULL,
    clicks                    integer   NOT NULL,
    bot_clicks                integer   NOT NULL,
    conversations             integer   NOT NULL,
    icebreaker_taps           integer   NOT NULL,
    typed_messages            integer   NOT NULL,
    existing_thread_referrals integer   NOT NULL,
    new_threads               integer   NOT NULL,
    referrals_from_clicks     integer   NOT NULL,
    coupons_issued            integer   NOT NULL,
    bound_identities          integer   NOT NULL,
    -- replies of the day's conversations by ReplyStatus, in the enum's order (1-based)
    replies                   integer[] NOT NULL,
    -- latency histograms: counts per bucket of dev.igme.stats.LatencyHistogram (1-based)
    click_to_referral         integer[] NOT NULL,
    referral_to_reply         integer[] NOT NULL,
    PRIMARY KEY (zone, day, link_id)
);

-- Top refs per UTC day: the same grouping as the raw query (a link's refs under the link's ref),
-- plus account, campaign and channel for the filters. users = distinct users within the day.
CREATE TABLE stats_ref_day (
    day           date        NOT NULL,
    ig_account_id text        NOT NULL,
    ref           text        NOT NULL,
    ref_status    text,
    link_id       text,
    campaign_id   text,
    channel       text,
    conversations integer     NOT NULL,
    users         integer     NOT NULL,
    first_at      timestamptz NOT NULL,
    last_at       timestamptz NOT NULL
);
CREATE INDEX stats_ref_day_account_idx ON stats_ref_day (ig_account_id, day);
CREATE INDEX stats_ref_day_day_idx ON stats_ref_day (day);

-- How far each zone is rolled up: every day before rolled_until is in the rollups (days before
-- the first raw row have none, which is the same answer). Days from rolled_until on, and the
-- partial days at a range's edges, are read from the raw rows.
CREATE TABLE stats_rollup (
    zone          text        PRIMARY KEY,
    rolled_until  date        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Rolling up one day reads that day's clicks of every link: by time, not by link. On a large
-- existing table this build blocks click inserts while it runs (one sorted pass: 13 s for 30M
-- rows on 2 cores); to avoid that, build it beforehand with CREATE INDEX CONCURRENTLY under this
-- name (README, "Stats: the funnel", migration note) and this statement does nothing.
CREATE INDEX IF NOT EXISTS link_click_clicked_idx ON link_click (clicked_at);
