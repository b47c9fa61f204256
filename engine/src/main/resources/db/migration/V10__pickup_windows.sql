-- Pickup windows: a collectable order's current window and how often it rolled over to the next
-- day (the projector copies them from the order's snapshots; OVERDUE is a status). The pick list
-- reads a point's orders by the window's start.
ALTER TABLE orders ADD COLUMN pickup_from DATETIME(3) NULL;
ALTER TABLE orders ADD COLUMN pickup_to DATETIME(3) NULL;
ALTER TABLE orders ADD COLUMN rollovers INT NULL;
ALTER TABLE orders ADD KEY ix_orders_point_window (pickup_point_id, pickup_from);

-- Reminders sent, one row per order, window, kind and recipient: the unique key makes each go out
-- once however often its event is delivered. A worker claims a row (SENDING until claimed_until)
-- before it sends, marks it SENT after; a failed send puts it back to PENDING, or FAILED after the
-- last attempt; UNREACHABLE: the recipient has no address on the channel.
CREATE TABLE pickup_reminders (
  order_id       VARCHAR(40)  NOT NULL,
  window_no      INT          NOT NULL,
  kind           VARCHAR(16)  NOT NULL,
  recipient      VARCHAR(64)  NOT NULL,
  point_id       BIGINT       NOT NULL,
  status         VARCHAR(12)  NOT NULL,
  attempts       INT          NOT NULL,
  claimed_until  DATETIME(3)  NULL,
  last_error     VARCHAR(255) NULL,
  sent_at        DATETIME(3)  NULL,
  created_at     DATETIME(3)  NOT NULL,
  updated_at     DATETIME(3)  NOT NULL,
  PRIMARY KEY (order_id, window_no, kind, recipient),
  KEY ix_pickup_reminders_status (status)
);

-- What the sandbox notification channel would have sent (no unique key: a duplicate shows).
CREATE TABLE sandbox_notifications (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  recipient    VARCHAR(64)  NOT NULL,
  order_id     VARCHAR(40)  NOT NULL,
  point_id     BIGINT       NOT NULL,
  kind         VARCHAR(16)  NOT NULL,
  window_no    INT          NOT NULL,
  window_from  DATETIME(3)  NOT NULL,
  window_to    DATETIME(3)  NOT NULL,
  sent_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_sandbox_notifications_order (order_id)
);
