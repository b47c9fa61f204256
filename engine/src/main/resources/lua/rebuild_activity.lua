-- Rebuilds an activity that Redis lost (restarted empty, or a failover to a replica that missed
-- its writes) from what MySQL records, in steps: BEGIN, then any number of batches (ORDERS,
-- GROUPS, PICKUPS), then FINISH, which alone writes the activity hash. reserve.lua answers NOT_FOUND while
-- the hash is absent and confirm_payment.lua takes no money then, so a half-written activity is
-- never sold from nor paid into. The deadlines, the joinable list and the pickup timers (windows'
-- ends, reminders) are written to staging keys and renamed into place by FINISH, so no sweeper
-- acts on an order before the activity is whole.
--
-- One instance rebuilds: BEGIN takes KEYS[7] (the rebuild's hash: owner, units held so far) with a
-- lease; every later step renews it and answers LOST when another instance holds it (the lease ran
-- out and the rebuild began again elsewhere). A rebuild whose instance died starts over after the
-- lease: BEGIN clears what it finds.
--
-- Which orders hold a unit: those release_unit has not given back. It runs when a RESERVED order
-- expires and when a PAID member's group fails (PAID -> REFUNDING); a late payment moves an
-- EXPIRED order to REFUNDING with its unit already back. So RESERVED, PAID and SUCCEEDED hold one
-- (the buyer's quota too), EXPIRED, REFUNDING and REFUNDED do not; PICKED_UP (handed out) and
-- OVERDUE (not collected after its last roll-over, left to a person), both from SUCCEEDED, hold it
-- for good. An order state added later that comes from SUCCEEDED belongs in HOLDS_UNIT too.
--
-- Which orders get pickup timers (PICKUPS): a collectable one, SUCCEEDED with its window (the
-- order hash ORDERS wrote: pickup_from, pickup_to, rollovers), gets its pickup_due entry at the
-- window's end, as open_pickup and roll_over_pickups give it. Its current window's reminders are
-- scheduled as schedule_reminders does, less the kinds the entry names as delivered (MySQL's
-- pickup_reminders has a row: the reminder worker received it and sends it, or did) and none at
-- all once the window has ended (now >= pickup_to: the roll-over is due and schedules the next
-- window's). A reminder whose time has passed but whose window is still open is queued due now,
-- so one lost with Redis still goes out, once (the worker's row is unique per recipient).
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines   KEYS[4] group deadlines
-- KEYS[5] open groups     KEYS[6] event stream  KEYS[7] the rebuild's hash
-- KEYS[8] staged payment deadlines   KEYS[9] staged group deadlines   KEYS[10] staged open groups
-- KEYS[11] retirement hash (a copy that outlived the activity hash would stop its payments)
-- KEYS[12] pickup windows' ends   KEYS[13] pickup reminders
-- KEYS[14] staged pickup windows' ends   KEYS[15] staged pickup reminders
-- ARGV[1] key prefix   ARGV[2] step: BEGIN | ORDERS | GROUPS | PICKUPS | FINISH | ABANDON   ARGV[3] owner token
-- ARGV[4] lease (ms)   ARGV[5] now (epoch ms)
-- ORDERS: ARGV[6..] one JSON object per order: {id, fields: {field: value, ...}} (the order hash)
-- GROUPS: ARGV[6..] {id, fields: {...}, members: {buyer: order id, ...}}
-- PICKUPS: ARGV[6..] {id, perishable: bool, delivered: [kind, ...]} per collectable order (written
--          by ORDERS before); delivered: the current window's reminder kinds already delivered
-- FINISH: ARGV[6] relay consumer group, ARGV[7] seq, ARGV[8..] field, value pairs of the terms as
--         warm_activity takes them (stock and point:<id> are the totals: FINISH takes the units
--         held off them), with state and cancelled_at for a cancelled activity
-- Returns {outcome, n}: BEGIN -> BEGUN | BUSY | ALREADY_WARM; ORDERS, GROUPS, PICKUPS -> WRITTEN (n entries)
-- | LOST; FINISH -> REBUILT (n: the stock on sale) | LOST | ALREADY_WARM; ABANDON -> ABANDONED (the
-- lease given up; the staged keys stay until the next BEGIN clears them) | LOST.
-- A bucket of a sharded activity gets 'point_total:<id>', 'epoch' and 'giver_epoch:<bucket>' among
-- its terms (BucketRebuild); they are written as given.
local activity_key, quota_key, pay_due_key, group_due_key, open_key, events_key, rebuild_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local staged_pay_due, staged_group_due, staged_open, retirement_key = KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local pickup_due_key, reminders_key, staged_pickup_due, staged_reminders = KEYS[12], KEYS[13], KEYS[14], KEYS[15]
local prefix, step, owner, lease, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])

local HOLDS_UNIT = {[ORDER_RESERVED] = true, [ORDER_PAID] = true, [ORDER_SUCCEEDED] = true, [ORDER_PICKED_UP] = true,
  [ORDER_OVERDUE] = true}

local function hash_pairs(fields)
  local flat = {}
  for field, value in pairs(fields) do
    flat[#flat + 1] = field
    flat[#flat + 1] = tostring(value)
  end
  return flat
end

if step == 'BEGIN' then
  if redis.call('EXISTS', activity_key) == 1 then return {'ALREADY_WARM', 0} end
  local holder = redis.call('HGET', rebuild_key, 'owner')
  if holder and holder ~= owner then return {'BUSY', 0} end
  redis.call('DEL', rebuild_key, quota_key, pay_due_key, group_due_key, open_key, events_key,
    staged_pay_due, staged_group_due, staged_open, retirement_key, pickup_due_key, reminders_key, staged_pickup_due,
    staged_reminders)
  redis.call('HSET', rebuild_key, 'owner', owner, 'held', 0, 'began_at', now)
  redis.call('PEXPIRE', rebuild_key, lease)
  return {'BEGUN', 0}
end

if redis.call('HGET', rebuild_key, 'owner') ~= owner then return {'LOST', 0} end
-- A sharded activity's rebuild that found a live bucket gone or busy gives its lease up, so the
-- next round (any instance) begins again at once rather than after the lease.
if step == 'ABANDON' then
  redis.call('DEL', rebuild_key)
  return {'ABANDONED', 0}
end
redis.call('PEXPIRE', rebuild_key, lease)

if step == 'ORDERS' then
  for i = 6, #ARGV do
    local order = cjson.decode(ARGV[i])
    local f = order.fields
    local key = order_key(prefix, order.id)
    redis.call('DEL', key)
    redis.call('HSET', key, unpack(hash_pairs(f)))
    if HOLDS_UNIT[f.status] then
      redis.call('HINCRBY', quota_key, f.buyer, 1)
      redis.call('HINCRBY', rebuild_key, 'held', 1)
      if f.point then redis.call('HINCRBY', rebuild_key, 'held:' .. f.point, 1) end
    end
    if f.status == ORDER_RESERVED then redis.call('ZADD', staged_pay_due, f.pay_by, order.id) end
  end
  return {'WRITTEN', #ARGV - 5}
end

if step == 'GROUPS' then
  for i = 6, #ARGV do
    local group = cjson.decode(ARGV[i])
    local f = group.fields
    local key, members_key = group_key(prefix, group.id), group_members_key(prefix, group.id)
    redis.call('DEL', key, members_key)
    redis.call('HSET', key, unpack(hash_pairs(f)))
    local members = hash_pairs(group.members)
    if #members > 0 then redis.call('HSET', members_key, unpack(members)) end
    if f.status == GROUP_OPEN then
      local deadline, free = tonumber(f.deadline), tonumber(f.size) - tonumber(f.members)
      redis.call('ZADD', staged_group_due, deadline, group.id)
      if free > 0 and now < deadline then redis.call('ZADD', staged_open, free, group.id) end
    end
  end
  return {'WRITTEN', #ARGV - 5}
end

if step == 'PICKUPS' then
  for i = 6, #ARGV do
    local pickup = cjson.decode(ARGV[i])
    local o = redis.call('HMGET', order_key(prefix, pickup.id), 'status', 'pickup_from', 'pickup_to', 'rollovers')
    local from, to, window = tonumber(o[2]), tonumber(o[3]), tonumber(o[4] or '0')
    if o[1] == ORDER_SUCCEEDED and from and to then
      redis.call('ZADD', staged_pickup_due, to, pickup.id)
      if now < to then
        schedule_reminders(staged_reminders, pickup.id, window, from, to, pickup.perishable == true)
        for _, kind in ipairs(pickup.delivered) do
          redis.call('ZREM', staged_reminders, reminder_member(pickup.id, window, kind))
        end
      end
    end
  end
  return {'WRITTEN', #ARGV - 5}
end

if step ~= 'FINISH' then return redis.error_reply('unknown rebuild step ' .. tostring(step)) end
if redis.call('EXISTS', activity_key) == 1 then return {'ALREADY_WARM', 0} end

local relay_group, seq = ARGV[6], ARGV[7]
local failed = create_relay_group(events_key, relay_group)
if failed then return redis.error_reply(failed) end

-- The units MySQL's orders hold come off the totals; never below zero, so a record that holds
-- more than the stock (it should not) sells nothing rather than fails.
local terms, cancelled_at, stock = {}, nil, 0
for i = 8, #ARGV, 2 do
  local field, value = ARGV[i], ARGV[i + 1]
  if field == 'stock' then
    stock = math.max(0, tonumber(value) - tonumber(redis.call('HGET', rebuild_key, 'held')))
    value = stock
  elseif string.sub(field, 1, 6) == 'point:' then
    value = math.max(0, tonumber(value) - tonumber(redis.call('HGET', rebuild_key, 'held:' .. string.sub(field, 7)) or '0'))
  elseif field == 'cancelled_at' then
    cancelled_at = tonumber(value)
  end
  terms[#terms + 1] = field
  terms[#terms + 1] = value
end

-- A cancelled activity's deadlines were all pulled to its cancellation (cancel_activity.lua).
if cancelled_at then
  for _, staged in ipairs({staged_pay_due, staged_group_due}) do
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', staged, '(' .. cancelled_at, '+inf')) do
      redis.call('ZADD', staged, cancelled_at, member)
    end
  end
end
for _, pair in ipairs({{staged_pay_due, pay_due_key}, {staged_group_due, group_due_key}, {staged_open, open_key},
    {staged_pickup_due, pickup_due_key}, {staged_reminders, reminders_key}}) do
  if redis.call('EXISTS', pair[1]) == 1 then redis.call('RENAME', pair[1], pair[2]) end
end

redis.call('HSET', activity_key, unpack(terms))
-- A level already at or below its safety stock alerted before (or would have): it is marked alerted,
-- so the rebuilt activity does not alert again until units come back above it (rearm_alert).
for i = 1, #terms, 2 do
  local field = terms[i]
  local level = field == 'stock' and '' or (string.sub(field, 1, 6) == 'point:' and string.sub(field, 7)) or nil
  if level then
    local safety = tonumber(redis.call('HGET', activity_key, safety_stock_field(level)))
    if safety and tonumber(terms[i + 1]) <= safety then
      redis.call('HSET', activity_key, alerted_field(level), '1')
    end
  end
end
-- rebuilt_seq: where the numbering resumed (the verifier counts only the numbers from there on).
redis.call('HSET', activity_key, 'seq', seq, 'rebuilt_seq', seq)
redis.call('DEL', rebuild_key)
return {'REBUILT', stock}
