-- lib/shared.lua: the data model's vocabulary, defined once. The build (engine/pom.xml) prepends
-- this file to every script under lua/, so target/classes/lua/<script>.lua, the text whose SHA-1
-- the engine sends with EVALSHA, is this file followed by the script. Everything here is local
-- and pure Lua; only the helpers that say so make a redis.call, and only when called. Each call of
-- a script defines all of them again (about 1.5 µs of Lua), so constants are plain locals rather
-- than tables, which would be built again on every call too. lua/SCHEMA.md describes the keys,
-- fields, events and states named here.

-- States, exactly as they are stored in the hashes' 'status' (and the activity's 'state') field.
local ORDER_RESERVED, ORDER_PAID, ORDER_SUCCEEDED = 'RESERVED', 'PAID', 'SUCCEEDED'
local ORDER_EXPIRED, ORDER_REFUNDING, ORDER_REFUNDED = 'EXPIRED', 'REFUNDING', 'REFUNDED'
local ORDER_PICKED_UP, ORDER_OVERDUE = 'PICKED_UP', 'OVERDUE'
local GROUP_OPEN, GROUP_SUCCEEDED, GROUP_FAILED = 'OPEN', 'SUCCEEDED', 'FAILED'
local ACTIVITY_CANCELLED = 'CANCELLED'

-- The event types appended to an activity's stream (frozen: the relay routes on them).
local EVENT_RESERVATION_MADE, EVENT_PAYMENT_CONFIRMED = 'ReservationMade', 'PaymentConfirmed'
local EVENT_GROUP_SUCCEEDED, EVENT_GROUP_FAILED = 'GroupSucceeded', 'GroupFailed'
local EVENT_RESERVATION_EXPIRED = 'ReservationExpired'
local EVENT_REFUND_REQUESTED, EVENT_REFUND_CONFIRMED = 'RefundRequested', 'RefundConfirmed'
local EVENT_ORDER_PICKED_UP = 'OrderPickedUp'
local EVENT_PICKUP_ROLLED_OVER, EVENT_PICKUP_OVERDUE = 'PickupRolledOver', 'PickupOverdue'
local EVENT_PICKUP_REMINDER_DUE = 'PickupReminderDue'
local EVENT_STOCK_LOW = 'StockLow'

-- The reminders of a pickup window: at its start, and (perishable goods) an hour before its end.
local REMINDER_WINDOW_START, REMINDER_WINDOW_ENDING = 'WINDOW_START', 'WINDOW_ENDING'
local HOUR_MS, DAY_MS = 3600000, 86400000

-- Why money goes back (a refund entry's 'reason').
local REASON_LATE_PAYMENT, REASON_DUPLICATE_PAYMENT, REASON_WRONG_AMOUNT =
  'LATE_PAYMENT', 'DUPLICATE_PAYMENT', 'WRONG_AMOUNT'
local REASON_TIER_PRICE, REASON_GROUP_FAILED, REASON_ACTIVITY_CANCELLED =
  'TIER_PRICE', 'GROUP_FAILED', 'ACTIVITY_CANCELLED'

-- Where a refund that is not the order's own full refund stands: the value of the order's
-- 'refund:<refund no>' field.
local RETURNED_REQUESTED, RETURNED_CONFIRMED = 'REQUESTED', 'CONFIRMED'

-- Order and group ids are '<activity id>-<sequence>', the sequence drawn from the activity's 'seq'.
local function child_id(activity_id, seq)
  return activity_id .. '-' .. seq
end

local function activity_of(child)
  return string.match(child, '^(%d+)-')
end

-- Keys derived from the activity's key prefix (RedisKeys.ActivityKeys#prefix, handed in as ARGV):
-- the same strings RedisKeys.ActivityKeys#order, #group and #groupMembers build (SharedKeysScriptTest).
local function order_key(prefix, order_id)
  return prefix .. 'o:' .. order_id
end

local function group_key(prefix, group_id)
  return prefix .. 'g:' .. group_id
end

local function group_members_key(prefix, group_id)
  return group_key(prefix, group_id) .. ':members'
end

-- A pickup point's remaining allocation lives in the activity hash, in the field 'point:<point id>'
-- (RedisKeys.ActivityKeys#pointStockField builds the same name), so reserve takes it in the same
-- call and from the same key as the stock. An activity with points has 'pickup' = '1'.
local function point_stock_field(point_id)
  return 'point:' .. point_id
end

-- A deactivated pickup point is marked closed in every warm activity that delivers to it
-- (close_point.lua): reserve refuses it (PICKUP_POINT_CLOSED), its orders still collect there.
-- RedisKeys.ActivityKeys#pointClosedField builds the same name.
local function point_closed_field(point_id)
  return 'closed:' .. point_id
end

-- A bucket of a sharded activity also keeps each point's allocation in it, 'point_total:<point id>':
-- the units of that point the bucket owns, for sale ('point:<id>') or held by its orders. Only warming,
-- an edit, a stock transfer (take_stock, give_stock) and a rebuild's FINISH change it; a reservation,
-- an expiry or a refund moves units between 'point:<id>' and the orders only, so total - point:<id>
-- is what the bucket's orders hold there, without MySQL (BucketRebuild). RedisKeys.ActivityKeys#pointTotalField.
local function point_total_field(point_id)
  return 'point_total:' .. point_id
end

-- A bucket's rebuild epoch ('epoch', absent = 0: never rebuilt) and the epochs of the other buckets
-- it knows ('giver_epoch:<bucket>'): a transfer carries its giver's epoch, and give_stock refuses one
-- taken in an earlier epoch of its giver (the giver was rebuilt since: its units are back in the
-- rebuild's split). RedisKeys.ActivityKeys#giverEpochField.
local function giver_epoch_field(bucket)
  return 'giver_epoch:' .. bucket
end

-- Low-stock alerts (安全库存预警): a level is the activity (point id '') or one pickup point's share.
-- 'safety_stock' / 'safety_stock:<point id>' hold the level's safety stock (absent: no alert);
-- 'alerted' / 'alerted:<point id>' mark a level whose StockLow went out and whose stock has not
-- come back above its safety stock since (reserve.lua sets it, rearm_alert clears it), so each
-- crossing alerts once. Only the activity hash is touched: a copy of the activity's keys (a bucket)
-- alerts on its own fields.
local function safety_stock_field(point_id)
  if point_id == '' then return 'safety_stock' end
  return 'safety_stock:' .. point_id
end

local function alerted_field(point_id)
  if point_id == '' then return 'alerted' end
  return 'alerted:' .. point_id
end

-- Units came back to a level and 'left' remain: an alerted level above its safety stock again
-- alerts again at the next crossing. Every script that gives units back calls it (one HMGET).
local function rearm_alert(activity_key, point_id, left)
  local s = redis.call('HMGET', activity_key, alerted_field(point_id), safety_stock_field(point_id))
  local safety = tonumber(s[2])
  if s[1] and (not safety or left > safety) then
    redis.call('HDEL', activity_key, alerted_field(point_id))
  end
end

-- Refund numbers, the idempotency keys of the payment gateway's refunds: a full refund of an
-- order, the tier difference paid back to a member of a tiered group, and money that never
-- settled the order (a second payment, a wrong amount), returned per transaction.
local function full_refund_no(order_id)
  return 'RF' .. order_id
end

local function tier_refund_no(order_id)
  return 'RD' .. order_id
end

local function returned_payment_no(tx)
  return 'RF' .. tx
end

-- The order field that records a refund other than the order's full refund ('refund_no').
local function returned_field(refund_no)
  return 'refund:' .. refund_no
end

-- Marks such a refund requested; true only the first time, so it is requested once.
local function request_once(order_hash, refund_no)
  return redis.call('HSETNX', order_hash, returned_field(refund_no), RETURNED_REQUESTED) == 1
end

local function refund_entry(refund_no, order_id, amount, reason, total)
  return {refundNo = refund_no, orderId = order_id, amount = tonumber(amount), reason = reason,
    total = tonumber(total)}
end

-- An order as events carry it, from hash values the caller already holds (no redis.call).
-- cjson leaves out the fields that are nil (pointId for an order without a pickup point).
-- pickup_from, pickup_to and rollovers (the current pickup window) exist once the order is
-- collectable; picked_up_at once it was handed out.
local function order_view(order_id, group_id, buyer, status, amount, pay_by, version, paid_amount, final_amount,
    refunded_amount, point, pickup_from, pickup_to, rollovers, picked_up_at, leader)
  return {id = order_id, activityId = activity_of(order_id), groupId = group_id, buyerId = buyer, status = status,
    amount = tonumber(amount), payBy = tonumber(pay_by), version = tonumber(version),
    paidAmount = tonumber(paid_amount), finalAmount = tonumber(final_amount),
    refundedAmount = tonumber(refunded_amount), pointId = tonumber(point), pickupFrom = tonumber(pickup_from),
    pickupTo = tonumber(pickup_to), rollovers = tonumber(rollovers), pickedUpAt = tonumber(picked_up_at),
    leaderId = leader}
end

-- An order as events carry it, read from its hash (one HMGET).
local function order_snapshot(prefix, order_id)
  local o = redis.call('HMGET', order_key(prefix, order_id), 'status', 'buyer', 'group', 'amount', 'pay_by',
    'version', 'paid_amount', 'final_amount', 'refunded_amount', 'point', 'pickup_from', 'pickup_to', 'rollovers',
    'picked_up_at', 'leader')
  return order_view(order_id, o[3], o[2], o[1], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14],
    o[15] or nil)
end

-- A group as events carry it, read from its hash (one HMGET); 'virtual' and 'price' exist only
-- once the group succeeded.
local function group_snapshot(prefix, group_id)
  local g = redis.call('HMGET', group_key(prefix, group_id), 'status', 'size', 'members', 'paid', 'deadline',
    'version', 'leader', 'virtual', 'price')
  return {id = group_id, activityId = activity_of(group_id), status = g[1], size = tonumber(g[2]),
    members = tonumber(g[3]), paid = tonumber(g[4]), deadline = tonumber(g[5]), version = tonumber(g[6]),
    leader = g[7], virtualMembers = tonumber(g[8]), price = tonumber(g[9])}
end

-- Writes field, value pairs to an order and bumps its version (every change a consumer must see
-- does); returns the new version.
local function touch(prefix, order_id, ...)
  local key = order_key(prefix, order_id)
  redis.call('HSET', key, ...)
  return redis.call('HINCRBY', key, 'version', 1)
end

-- Moves an order to the status `to`, writing any further field, value pairs with it.
local function transition(prefix, order_id, to, ...)
  return touch(prefix, order_id, 'status', to, ...)
end

local function append(events_key, event_type, data)
  redis.call('XADD', events_key, '*', 'type', event_type, 'data', cjson.encode(data))
end

-- Appends an event and, when money goes back, the RefundRequested that follows it.
local function append_with_refunds(events_key, event_type, data, refunds)
  append(events_key, event_type, data)
  if #refunds > 0 then
    append(events_key, EVENT_REFUND_REQUESTED, {at = data.at, refunds = refunds})
  end
end

-- Appends the event that changed a group (data.orders, data.at, ...), carrying the group as it is
-- now, and then the refunds it requested.
local function append_group_event(prefix, events_key, event_type, data, group_id, refunds)
  data.group = group_snapshot(prefix, group_id)
  append_with_refunds(events_key, event_type, data, refunds)
end

-- Creates an activity's stream with the relay's consumer group, which must exist before the first
-- event is appended (an existing group is kept). Checks first: a stray key of another type would
-- make every later XADD fail half-way. Returns nil, or why it could not, before anything is written.
local function create_relay_group(events_key, relay_group)
  local events_type = redis.call('TYPE', events_key)['ok']
  if events_type ~= 'none' and events_type ~= 'stream' then
    return 'event stream key ' .. events_key .. ' holds a ' .. events_type
  end
  local ok, err = pcall(redis.call, 'XGROUP', 'CREATE', events_key, relay_group, '0', 'MKSTREAM')
  local message = type(err) == 'table' and tostring(err.err) or tostring(err)
  if not ok and not string.find(message, 'BUSYGROUP') then
    return 'could not create the relay group: ' .. message
  end
  return nil
end

-- A reservation's unit goes back on sale, to the pickup point it was taken from (the order's
-- 'point', absent for an activity without points), and the buyer's quota comes back. Each level
-- the unit returns to is re-armed for its low-stock alert (rearm_alert).
local function release_unit(activity_key, quota_key, buyer, point)
  rearm_alert(activity_key, '', redis.call('HINCRBY', activity_key, 'stock', 1))
  if point and point ~= '' then
    rearm_alert(activity_key, point, redis.call('HINCRBY', activity_key, point_stock_field(point), 1))
  end
  if redis.call('HINCRBY', quota_key, buyer, -1) <= 0 then
    redis.call('HDEL', quota_key, buyer)
  end
end

-- The activity hash field holding a point's default pickup window, 'from:to' in epoch ms (the day
-- after the activity ends, the point's opening hours in its zone; computed by the engine, which
-- knows the zones). An explicit window of the activity ('pickup_from', 'pickup_to') wins.
local function window_field(point_id)
  return 'window:' .. point_id
end

-- A reminder's member in the reminders set: '<order id>:<window>:<kind>', the window the 0-based
-- roll-over number, so each window's reminders are distinct and taken once.
local function reminder_member(order_id, window, kind)
  return order_id .. ':' .. window .. ':' .. kind
end

-- Schedules the reminders of one window: at its start, and for perishable goods also an hour
-- before its end (when that is after the start).
local function schedule_reminders(reminders_key, order_id, window, from, to, perishable)
  redis.call('ZADD', reminders_key, from, reminder_member(order_id, window, REMINDER_WINDOW_START))
  if perishable and to - HOUR_MS > from then
    redis.call('ZADD', reminders_key, to - HOUR_MS, reminder_member(order_id, window, REMINDER_WINDOW_ENDING))
  end
end

-- An order collected at a pickup point became collectable (SUCCEEDED): it gets its first window
-- ('pickup_from', 'pickup_to', 'rollovers' = 0; no version bump of its own, the caller's transition
-- made one), a roll-over timer at the window's end and its reminders. Call it before taking the
-- order's snapshot. Nothing happens for an order without a point, or an activity without a window.
local function open_pickup(prefix, activity_key, pickup_due_key, reminders_key, order_id, point)
  if not point or point == '' then return end
  local a = redis.call('HMGET', activity_key, 'pickup_from', 'pickup_to', 'perishable', window_field(point))
  local from, to = tonumber(a[1]), tonumber(a[2])
  if not from and a[4] then
    local f, t = string.match(a[4], '^(%d+):(%d+)$')
    from, to = tonumber(f), tonumber(t)
  end
  if not from or not to then return end
  redis.call('HSET', order_key(prefix, order_id), 'pickup_from', string.format('%d', from),
    'pickup_to', string.format('%d', to), 'rollovers', 0)
  redis.call('ZADD', pickup_due_key, to, order_id)
  schedule_reminders(reminders_key, order_id, 0, from, to, a[3] == '1')
end

-- ---- end of lib/shared.lua; the script follows ----
