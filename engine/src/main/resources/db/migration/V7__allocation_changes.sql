-- Moves of an activity's allocation between pickup points, by change id (the merchant's
-- Idempotency-Key, or a generated id): a retried move is recognised and not applied twice, and a
-- key reused for another move is refused.
CREATE TABLE allocation_changes (
  activity_id  BIGINT       NOT NULL,
  change_id    VARCHAR(80)  NOT NULL,
  request      VARCHAR(64)  NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (activity_id, change_id)
);
