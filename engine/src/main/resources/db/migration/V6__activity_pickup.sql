-- An activity may deliver to pickup points, its stock allocated across them (库存分账): each
-- point's share is warmed into the activity's Redis hash ('point:<id>'), where reserve takes it.
-- The pickup window is when its orders are collected; perishable orders get more reminders.

CREATE TABLE activity_points (
  activity_id  BIGINT  NOT NULL,
  point_id     BIGINT  NOT NULL,
  stock        INT     NOT NULL,
  PRIMARY KEY (activity_id, point_id),
  KEY ix_activity_points_point (point_id)
);

ALTER TABLE activities ADD COLUMN pickup_from DATETIME(3) NULL;
ALTER TABLE activities ADD COLUMN pickup_to DATETIME(3) NULL;
ALTER TABLE activities ADD COLUMN perishable BOOLEAN NOT NULL DEFAULT FALSE;

-- The point an order is collected at; null for an activity without points. Members of one group
-- may collect at different points.
ALTER TABLE orders ADD COLUMN pickup_point_id BIGINT NULL;
ALTER TABLE orders ADD KEY ix_orders_point (pickup_point_id, status);
