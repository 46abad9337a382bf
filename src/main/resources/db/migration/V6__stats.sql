-- Owned by dev.igme.stats: indexes for the funnel's reads (it writes no table of its own).

-- Coupons issued to the attributions of a range: looked up per attribution.
CREATE INDEX coupon_attribution_idx ON coupon (attribution_id) WHERE attribution_id IS NOT NULL;
