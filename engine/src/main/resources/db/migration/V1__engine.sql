-- The record of truth. Instants are stored as UTC DATETIME(3); money in fen.
-- Kept portable between MySQL 8 and MariaDB 10.11.

CREATE TABLE activities (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  merchant_id     VARCHAR(64)  NOT NULL,
  title           VARCHAR(200) NOT NULL,
  mode            VARCHAR(16)  NOT NULL,
  group_size      INT          NOT NULL,
  group_price     BIGINT       NOT NULL,
  solo_price      BIGINT       NOT NULL,
  stock           INT          NOT NULL,
  per_user_limit  INT          NOT NULL,
  starts_at       DATETIME(3)  NOT NULL,
  ends_at         DATETIME(3)  NOT NULL,
  group_ttl_ms    BIGINT       NOT NULL,
  pay_window_ms   BIGINT       NOT NULL,
  warmed_at       DATETIME(3)  NULL,
  created_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_activities_merchant (merchant_id, starts_at),
  KEY ix_activities_warming (warmed_at, starts_at)
);

-- "groups" is a reserved word in MySQL 8.
CREATE TABLE purchase_groups (
  id           VARCHAR(40)  NOT NULL,
  activity_id  BIGINT       NOT NULL,
  leader_id    VARCHAR(64)  NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  size         INT          NOT NULL,
  members      INT          NOT NULL,
  paid         INT          NOT NULL,
  deadline     DATETIME(3)  NOT NULL,
  version      INT          NOT NULL,
  updated_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_groups_activity (activity_id, status)
);

CREATE TABLE orders (
  id           VARCHAR(40)  NOT NULL,
  activity_id  BIGINT       NOT NULL,
  group_id     VARCHAR(40)  NULL,
  buyer_id     VARCHAR(64)  NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  amount       BIGINT       NOT NULL,
  pay_by       DATETIME(3)  NOT NULL,
  version      INT          NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  updated_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_orders_activity (activity_id, status),
  KEY ix_orders_buyer (buyer_id),
  KEY ix_orders_group (group_id)
);

CREATE TABLE payments (
  transaction_id  VARCHAR(64)  NOT NULL,
  order_id        VARCHAR(40)  NOT NULL,
  amount          BIGINT       NOT NULL,
  paid_at         DATETIME(3)  NOT NULL,
  PRIMARY KEY (transaction_id),
  UNIQUE KEY ux_payments_order (order_id)
);

CREATE TABLE refunds (
  refund_no     VARCHAR(64)  NOT NULL,
  order_id      VARCHAR(40)  NOT NULL,
  amount        BIGINT       NOT NULL,
  reason        VARCHAR(32)  NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  requested_at  DATETIME(3)  NOT NULL,
  confirmed_at  DATETIME(3)  NULL,
  PRIMARY KEY (refund_no),
  KEY ix_refunds_order (order_id)
);
