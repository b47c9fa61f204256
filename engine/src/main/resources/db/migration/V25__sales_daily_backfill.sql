-- The daily sales of the orders MySQL held before V24 (docs/analytics.md): the facts each order and
-- group counts for, as DailySales computes them, and their sums. Days are Asia/Shanghai days (UTC+8
-- all year, the default flashgroup.analytics.zone). Orders the projector writes from now on add to
-- these rows by differences against these facts, so nothing counts twice.
INSERT INTO sales_order_facts (order_id, day, activity_id, point_id, leader_id, paid, succeeded, picked_up, refunded,
    units, gmv, commission)
  SELECT x.id, DATE(x.created_at + INTERVAL 8 HOUR), x.activity_id, COALESCE(x.pickup_point_id, 0),
    COALESCE(x.leader_id, ''), x.paid_amount IS NOT NULL, x.status IN ('SUCCEEDED', 'PICKED_UP', 'OVERDUE'),
    x.picked_up_at IS NOT NULL, x.status = 'REFUNDED', x.gmv > 0, x.gmv, COALESCE(c.total, 0)
  FROM (SELECT o.*, CASE WHEN o.paid_amount IS NOT NULL AND o.status IN ('PAID', 'SUCCEEDED', 'PICKED_UP', 'OVERDUE')
      THEN COALESCE(o.final_amount, o.paid_amount) ELSE 0 END AS gmv FROM orders o) x
  LEFT JOIN commissions c ON c.order_id = x.id;

INSERT INTO sales_group_facts (group_id, activity_id, first_at, succeeded)
  SELECT g.id, g.activity_id, MIN(o.created_at), g.status = 'SUCCEEDED'
  FROM purchase_groups g JOIN orders o ON o.group_id = g.id
  GROUP BY g.id, g.activity_id, g.status;

INSERT INTO sales_daily (day, activity_id, point_id, leader_id, reservations, paid, succeeded, picked_up, refunded,
    units, gmv, commission, groups_succeeded)
  SELECT day, activity_id, point_id, leader_id, COUNT(*), SUM(paid), SUM(succeeded), SUM(picked_up), SUM(refunded),
    SUM(units), SUM(gmv), SUM(commission), 0
  FROM sales_order_facts
  GROUP BY day, activity_id, point_id, leader_id;

INSERT INTO sales_daily (day, activity_id, point_id, leader_id, reservations, paid, succeeded, picked_up, refunded,
    units, gmv, commission, groups_succeeded)
  SELECT DATE(first_at + INTERVAL 8 HOUR), activity_id, 0, '', 0, 0, 0, 0, 0, 0, 0, 0, SUM(succeeded)
  FROM sales_group_facts
  GROUP BY DATE(first_at + INTERVAL 8 HOUR), activity_id
  ON DUPLICATE KEY UPDATE groups_succeeded = groups_succeeded + VALUES(groups_succeeded);
