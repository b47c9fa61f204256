-- Ends the pickup windows that are due. An order still collectable (SUCCEEDED) when its window ends
-- rolls over to the same hours the next day (pickup_from and pickup_to + 1 day, rollovers + 1, the
-- new window's reminders scheduled, its timer rescored) and PickupRolledOver is appended; an order
-- that already rolled over `max rollovers` times becomes OVERDUE instead (for a person to handle)
-- and PickupOverdue is appended. An entry whose order is no longer collectable (picked up,
-- refunded, gone) is dropped. ZREM decides which caller owns an entry, so several sweepers can run
-- at once.
--
-- KEYS[1] activity hash   KEYS[2] pickup windows' ends (zset)   KEYS[3] pickup reminders (zset)
-- KEYS[4] event stream
-- ARGV[1] key prefix   ARGV[2] now (epoch ms)   ARGV[3] most entries to take   ARGV[4] most roll-overs
-- Returns {rolled over, overdue, dropped}.
local activity_key, pickup_due_key, reminders_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix, now, batch, max_rollovers = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

local perishable = nil
local function is_perishable()
  if perishable == nil then perishable = redis.call('HGET', activity_key, 'perishable') == '1' end
  return perishable
end

local rolled, overdue, dropped = 0, 0, 0
local due = redis.call('ZRANGEBYSCORE', pickup_due_key, '-inf', now, 'LIMIT', 0, batch)
for _, order_id in ipairs(due) do
  redis.call('ZREM', pickup_due_key, order_id)
  local o = redis.call('HMGET', order_key(prefix, order_id), 'status', 'pickup_from', 'pickup_to', 'rollovers')
  local from, to, rollovers = tonumber(o[2]), tonumber(o[3]), tonumber(o[4] or '0')
  if o[1] ~= ORDER_SUCCEEDED or not from or not to then
    dropped = dropped + 1
  elseif rollovers < max_rollovers then
    from, to, rollovers = from + DAY_MS, to + DAY_MS, rollovers + 1
    touch(prefix, order_id, 'pickup_from', string.format('%d', from), 'pickup_to', string.format('%d', to),
      'rollovers', rollovers)
    redis.call('ZADD', pickup_due_key, to, order_id)
    schedule_reminders(reminders_key, order_id, rollovers, from, to, is_perishable())
    append(events_key, EVENT_PICKUP_ROLLED_OVER, {at = now, orders = {order_snapshot(prefix, order_id)},
      group = cjson.null})
    rolled = rolled + 1
  else
    transition(prefix, order_id, ORDER_OVERDUE, 'overdue_at', now)
    append(events_key, EVENT_PICKUP_OVERDUE, {at = now, orders = {order_snapshot(prefix, order_id)},
      group = cjson.null})
    overdue = overdue + 1
  end
end
return {rolled, overdue, dropped}
