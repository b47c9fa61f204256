-- Test only: answers the keys (and the pickup point field) lib/shared.lua derives from an activity's key prefix, so
-- SharedKeysScriptTest can compare them with RedisKeys.ActivityKeys.
--
-- KEYS: none (it touches no key)
-- ARGV[1] key prefix   ARGV[2] order id   ARGV[3] group id
-- Returns {order key, group key, group members key, activity of the order id, the field of point 17,
-- the closed field of point 17, the window field of point 17}.
local prefix, order_id, group_id = ARGV[1], ARGV[2], ARGV[3]

return {order_key(prefix, order_id), group_key(prefix, group_id), group_members_key(prefix, group_id),
  activity_of(order_id), point_stock_field(17), point_closed_field(17), window_field(17)}
