-- Low-stock alerts (安全库存预警) and the merchants' webhooks (issue #12, docs/alerts.md).

-- The stock at or below which a reservation raises an alert (NULL: none), for the activity and per
-- pickup point; warmed into the activity hash as safety_stock and safety_stock:<point id>.
ALTER TABLE activities ADD COLUMN safety_stock INT NULL;
ALTER TABLE activity_points ADD COLUMN safety_stock INT NULL;

-- One row per StockLow event: id is the event's alertId (the order that crossed, with ':<point id>'
-- at a point), so a duplicate delivery inserts nothing. seq orders the listing (keyset, newest first);
-- merchant_id is copied from the activity so the merchant's listing reads one index.
CREATE TABLE stock_alerts (
  seq           BIGINT       NOT NULL AUTO_INCREMENT,
  id            VARCHAR(64)  NOT NULL,
  activity_id   BIGINT       NOT NULL,
  merchant_id   VARCHAR(64)  NOT NULL,
  point_id      BIGINT       NULL,
  order_id      VARCHAR(40)  NOT NULL,
  remaining     INT          NOT NULL,
  safety_stock  INT          NOT NULL,
  alerted_at    DATETIME(3)  NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_stock_alerts_id (id),
  KEY ix_stock_alerts_merchant (merchant_id, seq),
  KEY ix_stock_alerts_activity (activity_id, seq)
);

-- A merchant's webhook: the URL alerts are POSTed to and the secret they are signed with (HMAC-SHA256
-- needs the secret itself, so it is kept as generated; it is shown to the merchant once).
CREATE TABLE merchant_webhooks (
  merchant_id  VARCHAR(64)   NOT NULL,
  url          VARCHAR(500)  NOT NULL,
  secret       VARCHAR(100)  NOT NULL,
  updated_at   DATETIME(3)   NOT NULL,
  PRIMARY KEY (merchant_id)
);

-- The outbox of webhook deliveries, one per alert of a merchant with a webhook, written in the same
-- transaction as the alert. status PENDING -> DELIVERED, or FAILED after the last attempt. A sender
-- claims due rows with a lease (lease_owner, lease_until): another instance takes a row only after
-- the lease ran out, so a crashed sender's rows are sent again and two live ones never both send.
CREATE TABLE webhook_deliveries (
  alert_id      VARCHAR(64)   NOT NULL,
  merchant_id   VARCHAR(64)   NOT NULL,
  status        VARCHAR(16)   NOT NULL,
  attempts      INT           NOT NULL DEFAULT 0,
  due_at        DATETIME(3)   NOT NULL,
  lease_owner   VARCHAR(40)   NULL,
  lease_until   DATETIME(3)   NULL,
  last_error    VARCHAR(200)  NULL,
  created_at    DATETIME(3)   NOT NULL,
  delivered_at  DATETIME(3)   NULL,
  PRIMARY KEY (alert_id),
  KEY ix_webhook_deliveries_due (status, due_at)
);
