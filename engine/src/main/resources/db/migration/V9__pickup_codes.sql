-- Pickup codes and their verification (核销). An order gets one code when it becomes collectable
-- (SUCCEEDED at a pickup point); the code is unique among its point's codes, and a collision of a
-- new code is retried with another. MySQL is the record of the codes; the order's state (and so
-- whether it was handed out) lives in the order hash while its activity is warm.
CREATE TABLE pickup_codes (
  order_id     VARCHAR(40)  NOT NULL,
  activity_id  BIGINT       NOT NULL,
  point_id     BIGINT       NOT NULL,
  code         VARCHAR(20)  NOT NULL,
  issued_at    DATETIME(3)  NOT NULL,
  PRIMARY KEY (order_id),
  UNIQUE KEY ux_pickup_codes_point (point_id, code),
  KEY ix_pickup_codes_code (code)
);

-- Every verification attempt, good or bad, for disputes: who, when, at which point, what came of it.
-- Only the code's last four digits are kept (code_tail; null when the input was no code at all): a
-- dispute finds the attempt by point, staff, time or order, and the log is no list of live codes.
CREATE TABLE pickup_verifications (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  point_id   BIGINT       NOT NULL,
  subject    VARCHAR(64)  NOT NULL,
  code_tail  CHAR(4)      NULL,
  order_id   VARCHAR(40)  NULL,
  outcome    VARCHAR(24)  NOT NULL,
  at         DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_pickup_verifications_point (point_id, id),
  KEY ix_pickup_verifications_order (order_id)
);

-- When the order was handed out (status PICKED_UP); null before.
ALTER TABLE orders ADD COLUMN picked_up_at DATETIME(3) NULL;
