-- Platform analytics (issue #12): daily sales figures, kept incrementally by the order projector in
-- each batch's transaction (docs/analytics.md). A day is an Asia/Shanghai day: the day the order was
-- reserved (orders.created_at), so a day's row is that day's cohort, however late it was paid,
-- handed out or refunded.

-- One row per day, activity, pickup point (0: none) and leader ('' : none): sums over the orders
-- reserved that day. The projector adds the difference between what an order counts for now and
-- what it counted for before (sales_order_facts), so duplicates and reordering add nothing twice.
CREATE TABLE sales_daily (
  day               DATE         NOT NULL,
  activity_id       BIGINT       NOT NULL,
  point_id          BIGINT       NOT NULL,
  leader_id         VARCHAR(64)  NOT NULL,
  reservations      BIGINT       NOT NULL,
  paid              BIGINT       NOT NULL,
  succeeded         BIGINT       NOT NULL,
  picked_up         BIGINT       NOT NULL,
  refunded          BIGINT       NOT NULL,
  units             BIGINT       NOT NULL,
  gmv               BIGINT       NOT NULL,
  commission        BIGINT       NOT NULL,
  groups_succeeded  BIGINT       NOT NULL,
  PRIMARY KEY (day, activity_id, point_id, leader_id),
  KEY ix_sales_daily_activity (activity_id, day)
);

-- What each order counts for in sales_daily now (its key and its figures), to compute the next difference.
CREATE TABLE sales_order_facts (
  order_id     VARCHAR(40)  NOT NULL,
  day          DATE         NOT NULL,
  activity_id  BIGINT       NOT NULL,
  point_id     BIGINT       NOT NULL,
  leader_id    VARCHAR(64)  NOT NULL,
  paid         TINYINT      NOT NULL,
  succeeded    TINYINT      NOT NULL,
  picked_up    TINYINT      NOT NULL,
  refunded     TINYINT      NOT NULL,
  units        TINYINT      NOT NULL,
  gmv          BIGINT       NOT NULL,
  commission   BIGINT       NOT NULL,
  PRIMARY KEY (order_id)
);

-- The same for groups: a group counts on the day it was first seen (its first event), once succeeded.
CREATE TABLE sales_group_facts (
  group_id     VARCHAR(40)  NOT NULL,
  activity_id  BIGINT       NOT NULL,
  first_at     DATETIME(3)  NOT NULL,
  succeeded    TINYINT      NOT NULL,
  PRIMARY KEY (group_id)
);

-- New members per leader over a period, read by time for all leaders at once.
CREATE INDEX ix_leader_binding_changes_at ON leader_binding_changes (at, leader_after);
