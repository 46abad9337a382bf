-- Owned by dev.igme.stats: the top refs per UTC calendar month (month = its first day), derived
-- from stats_ref_day, because the top refs of a year of a large account summed 825,808 ref-day
-- rows (p50 0.46-0.71 s in the benchmark, BENCHMARKS.md). Recomputed from stats_ref_day in the
-- same transaction that rolls up one of its days, so it always equals its committed day rows:
-- conversations and users (distinct users within each day) summed, first_at the least, last_at
-- the greatest.
CREATE TABLE stats_ref_month (LIKE stats_ref_day);
ALTER TABLE stats_ref_month RENAME COLUMN day TO month;
CREATE INDEX stats_ref_month_account_idx ON stats_ref_month (ig_account_id, month);
CREATE INDEX stats_ref_month_month_idx ON stats_ref_month (month);

-- the days already rolled up (dev.igme.stats.rollup.RollupStore writes the same sums for the job)
INSERT INTO stats_ref_month
SELECT date_trunc('month', d.day)::date, d.ig_account_id, d.ref, d.ref_status, d.link_id, d.campaign_id, d.channel,
       sum(d.conversations), sum(d.users), min(d.first_at), max(d.last_at)
FROM stats_ref_day d
GROUP BY 1, 2, 3, 4, 5, 6, 7;
