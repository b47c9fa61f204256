-- How many Redis buckets an activity's stock is split into (docs/cluster.md, "Hot activities:
-- shards"): 1 keeps the activity's keys as they always were ({a42}); N > 1 puts bucket b's keys
-- under {a42.b}, so the buckets can live on different Redis Cluster primaries. Fixed at creation.
ALTER TABLE activities ADD COLUMN shards TINYINT NOT NULL DEFAULT 1;
