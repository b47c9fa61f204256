-- After-sales claims (售后理赔) and the merchant's order listing (issue #12).

-- A buyer's claim on a picked-up order. status PENDING -> APPROVED -> REFUNDED, or PENDING ->
-- REJECTED; an automatically approved claim starts APPROVED. amount is what the buyer asked,
-- approved_amount what goes back (at most amount); paid_total what the order's transaction paid
-- (the refund's total at the gateway). Its refund number is 'RC' || id. refund_due_at is when the
-- refund is (re)sent to the gateway if it has not been confirmed by then.
CREATE TABLE claims (
  id               BIGINT        NOT NULL AUTO_INCREMENT,
  order_id         VARCHAR(40)   NOT NULL,
  activity_id      BIGINT        NOT NULL,
  merchant_id      VARCHAR(64)   NOT NULL,
  buyer_id         VARCHAR(64)   NOT NULL,
  reason           VARCHAR(16)   NOT NULL,
  amount           BIGINT        NOT NULL,
  approved_amount  BIGINT        NULL,
  paid_total       BIGINT        NOT NULL,
  note             VARCHAR(500)  NULL,
  photo_urls       TEXT          NULL,
  status           VARCHAR(16)   NOT NULL,
  auto_approved    BOOLEAN       NOT NULL DEFAULT FALSE,
  rejection        VARCHAR(500)  NULL,
  decided_by       VARCHAR(64)   NULL,
  filed_at         DATETIME(3)   NOT NULL,
  decided_at       DATETIME(3)   NULL,
  refund_attempts  INT           NOT NULL DEFAULT 0,
  refund_due_at    DATETIME(3)   NULL,
  refunded_at      DATETIME(3)   NULL,
  PRIMARY KEY (id),
  KEY ix_claims_merchant (merchant_id, status, id),
  KEY ix_claims_status (status, id),
  KEY ix_claims_order (order_id),
  KEY ix_claims_refund_due (status, refund_due_at)
);

-- What claims may still take from one order: refundable is what the buyer paid in the end (the
-- order's final amount), claimed the sum of its PENDING, APPROVED and REFUNDED claims (an approval
-- for less, or a rejection, gives the rest back). One conditional UPDATE of this row decides a
-- filing, so concurrent claims on one order never promise more than was paid.
CREATE TABLE claim_balances (
  order_id    VARCHAR(40)  NOT NULL,
  refundable  BIGINT       NOT NULL,
  claimed     BIGINT       NOT NULL,
  PRIMARY KEY (order_id)
);

-- Claims a buyer had approved automatically in a calendar month (flashgroup.claims.zone), taken
-- with a conditional UPDATE, so concurrent small claims stay within the monthly limit.
CREATE TABLE claim_months (
  buyer_id       VARCHAR(64)  NOT NULL,
  month          CHAR(7)      NOT NULL,
  auto_approved  INT          NOT NULL,
  PRIMARY KEY (buyer_id, month)
);

-- The merchant's order listing: newest first (created_at, id), filtered by activity, status and
-- pickup point; keyset pages read these in order instead of skipping rows.
CREATE INDEX ix_orders_activity_created ON orders (activity_id, created_at, id);
CREATE INDEX ix_orders_activity_status_created ON orders (activity_id, status, created_at, id);
CREATE INDEX ix_orders_point_created ON orders (pickup_point_id, created_at, id);
