-- Takes the pickup reminders that are due and appends one PickupReminderDue per reminder whose
-- order is still collectable (SUCCEEDED) in that window; the reminder worker sends it to the buyer
-- and the point's staff. A reminder of an order no longer collectable (picked up, refunded, overdue,
-- gone) or of a window it has rolled past is dropped. ZREM decides which caller owns an entry, so
-- each reminder is appended once however many sweepers run.
--
-- KEYS[1] activity hash   KEYS[2] pickup reminders (zset, member '<order id>:<window>:<kind>')
-- KEYS[3] event stream
-- ARGV[1] key prefix   ARGV[2] now (epoch ms)   ARGV[3] most reminders to take
-- Returns {appended, dropped}.
local activity_key, reminders_key, events_key = KEYS[1], KEYS[2], KEYS[3]
local prefix, now, batch = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

local perishable = redis.call('HGET', activity_key, 'perishable') == '1'
local appended, dropped = 0, 0
local due = redis.call('ZRANGEBYSCORE', reminders_key, '-inf', now, 'LIMIT', 0, batch)
for _, member in ipairs(due) do
  redis.call('ZREM', reminders_key, member)
  local order_id, window, kind = string.match(member, '^(.+):(%d+):([A-Z_]+)$')
  local o = order_id and redis.call('HMGET', order_key(prefix, order_id), 'status', 'buyer', 'point', 'pickup_from',
    'pickup_to', 'rollovers') or {}
  if o[1] == ORDER_SUCCEEDED and tonumber(o[6]) == tonumber(window) then
    append(events_key, EVENT_PICKUP_REMINDER_DUE, {at = now, orderId = order_id, activityId = activity_of(order_id),
      pointId = tonumber(o[3]), buyerId = o[2], kind = kind, window = tonumber(window), from = tonumber(o[4]),
      to = tonumber(o[5]), perishable = perishable})
    appended = appended + 1
  else
    dropped = dropped + 1
  end
end
return {appended, dropped}
