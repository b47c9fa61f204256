-- Leader commission (issue #11). The rate is fixed per activity when it is scheduled (or edited
-- before its start); the ledger is written by the order projector from the order's events, in the
-- event's own transaction (docs/commission.md).
ALTER TABLE activities ADD COLUMN leader_commission_bps INT NOT NULL DEFAULT 0;

-- One row per attributed, paid order: the facts the events brought (each written once, whatever
-- their order) and where its commission stands. total is the order's current commission (the sum
-- of its entries); base what it would be without reversals (on the final price): base - total is
-- what reversals took, the same whatever order the refunds arrived in. stage EXPECTED (paid) ->
-- EARNED (picked up) -> SETTLED (settle_at passed).
-- Every change takes this row's lock first, so entries of one order are written one at a time.
CREATE TABLE commissions (
  order_id        VARCHAR(40)  NOT NULL,
  leader_id       VARCHAR(64)  NOT NULL,
  activity_id     BIGINT       NOT NULL,
  bps             INT          NOT NULL,
  paid_amount     BIGINT       NOT NULL,
  picked_up_at    DATETIME(3)  NULL,
  stage           VARCHAR(16)  NOT NULL,
  total           BIGINT       NOT NULL,
  base            BIGINT       NOT NULL,
  admin_reversed  BOOLEAN      NOT NULL DEFAULT FALSE,
  settle_at       DATETIME(3)  NULL,
  version         INT          NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (order_id),
  KEY ix_commissions_leader (leader_id, stage),
  KEY ix_commissions_due (stage, settle_at)
);

-- Refunds that change an order's commission, once per refund number: TIER_PRICE (the tier
-- difference: commission on the final price) and every reversal (GROUP_FAILED, LATE_PAYMENT,
-- ACTIVITY_CANCELLED, CLAIM, ...). Money that never paid the order (DUPLICATE_PAYMENT,
-- WRONG_AMOUNT) is not recorded here.
CREATE TABLE commission_refunds (
  refund_no    VARCHAR(64)  NOT NULL,
  order_id     VARCHAR(40)  NOT NULL,
  amount       BIGINT       NOT NULL,
  reason       VARCHAR(32)  NOT NULL,
  recorded_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (refund_no),
  KEY ix_commission_refunds_order (order_id)
);

-- The ledger: append-only, one entry per (order, kind, ref), ref the refund number for ADJUSTED and
-- REVERSED (ADMIN for an admin's reversal), empty otherwise. amount is signed fen: EXPECTED,
-- ADJUSTED and REVERSED change the order's commission; EARNED and SETTLED move it (their amount is
-- the commission moved). stage is where the order stood after the entry.
CREATE TABLE commission_entries (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  leader_id   VARCHAR(64)   NOT NULL,
  order_id    VARCHAR(40)   NOT NULL,
  kind        VARCHAR(16)   NOT NULL,
  ref         VARCHAR(64)   NOT NULL,
  amount      BIGINT        NOT NULL,
  stage       VARCHAR(16)   NOT NULL,
  reason      VARCHAR(32)   NOT NULL,
  note        VARCHAR(500)  NULL,
  created_at  DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_commission_entries_key (order_id, kind, ref),
  KEY ix_commission_entries_leader (leader_id, id)
);

-- The dashboard counts the buyers newly bound to a leader.
CREATE INDEX ix_leader_binding_changes_leader ON leader_binding_changes (leader_after, at);
