-- Reserves one unit for a buyer: opens a group, joins a group, is matched into a group or buys
-- alone, in one atomic step.
-- Checks the activity window, the group's state and capacity, the buyer's membership and quota and
-- the stock; then takes the unit, creates the order, records the payment deadline and appends the
-- event to the activity's stream.
--
-- Order and group keys are derived from ARGV[1], the activity's key prefix (lib/shared.lua's
-- order_key, group_key, group_members_key); it carries the activity's hash tag, so every key
-- touched lives in the same cluster slot as KEYS.
--
-- KEYS[1] activity hash   KEYS[2] quota hash    KEYS[3] payment deadlines (zset)
-- KEYS[4] group deadlines (zset)                KEYS[5] open groups with free slots (zset)
-- KEYS[6] event stream    KEYS[7] idempotency key (a key of the same slot, used only when ARGV[7] is '1')
-- KEYS[8] the buyer's attempts in the current second (a string with a 1 s TTL; only when ARGV[9] > 0)
-- MATCH puts the buyer into the open group with the fewest free slots (not one they are already in),
-- or opens a new group when no group has a free slot; when the only groups with free slots are
-- the buyer's own, it refuses ALREADY_IN_GROUP. Groups with free slots are kept in the sorted
-- set KEYS[5], scored by free slots, which every script that changes a group's members keeps
-- up to date. A FLASH activity takes no OPEN: its buyers are matched, so at most one of its
-- groups has free slots at any time (until an expiry reopens a slot). MATCH works for every mode.
--
-- ARGV[1] key prefix, e.g. 'fg:{a42}:'          ARGV[2] kind: OPEN | JOIN | MATCH | SOLO
-- ARGV[3] buyer id        ARGV[4] now (epoch ms)  ARGV[5] group id (JOIN only, else '')
-- ARGV[6] idempotency ttl (seconds)              ARGV[7] '1' when an idempotency key is given
-- ARGV[8] what the request asks for (kind and group, e.g. 'JOIN 42-7'): a key reused for another
--         request is refused, never answered with the other request's answer
-- ARGV[9] attempts a buyer may make per second on this activity (0: no limit)
-- ARGV[10] the pickup point the buyer collects at, or '' (required when the activity has points:
--          its 'pickup' is '1'; the unit is then taken from the point's 'point:<id>' field too)
-- ARGV[11] the referrer, when the request names one and the app's leader directory says it is an
--          active leader, else ''     ARGV[12] the leader the buyer is bound to (binding not expired), else ''
-- ARGV[13] the leader who runs the named pickup point (active), else ''
--          The order is attributed to the first of the three that is given (REFERRER, BINDING,
--          POINT), or to nobody; a REFERRER order (re)binds the buyer to the referrer when the
--          buyer is bound to nobody or to the referrer already ('binds' on the order and its event).
-- Low-stock alerts (安全库存预警): when the unit taken leaves a level (the activity; the named point)
-- at or below its safety stock ('safety_stock', 'safety_stock:<id>') and the level is not alerted
-- yet ('alerted', 'alerted:<id>'), the level is marked alerted and a StockLow event follows the
-- ReservationMade: one per level crossed, so a reservation crossing both appends two. The fields are
-- read with the HMGETs the script makes anyway; the HSET and XADD run only at a crossing. Scripts
-- that give units back clear the mark once the level is above its safety stock (rearm_alert).
-- Returns {outcome, order id, group id, amount, pay by}; outcome is 'OK' or a refusal code
-- (NOT_FOUND, ACTIVITY_CANCELLED, NOT_STARTED, ENDED, MATCH_ONLY, GROUP_CLOSED, ALREADY_IN_GROUP,
-- GROUP_FULL, LIMIT_REACHED, SOLD_OUT, PICKUP_POINT_REQUIRED, PICKUP_POINT_NOT_SERVED,
-- PICKUP_POINT_CLOSED (deactivated), POINT_SOLD_OUT (that point's allocation is gone while the
-- activity still has units)), or TOO_MANY_REQUESTS
-- with the milliseconds to wait in place of pay by, or IDEMPOTENCY_KEY_REUSED. A repeated idempotency key returns the first answer
-- unchanged when that answer was final: a reservation, or a refusal that cannot change (ENDED,
-- ACTIVITY_CANCELLED, MATCH_ONLY, GROUP_CLOSED); a refusal that may (NOT_STARTED, SOLD_OUT, ...) is
-- not kept, so the retry is decided afresh.
local activity_key, quota_key, pay_due_key, group_due_key, open_key, events_key, idem_key, attempts_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local prefix, kind, buyer, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local join_group_id, idem_ttl, has_idem = ARGV[5], tonumber(ARGV[6]), ARGV[7] == '1'
local request, attempts_allowed, point = ARGV[8], tonumber(ARGV[9]), ARGV[10] or ''
local referrer, bound_leader, point_leader = ARGV[11] or '', ARGV[12] or '', ARGV[13] or ''

-- A script firing hundreds of requests a second is slowed here, in the same round trip: a counter
-- per buyer and second (Redis' own clock runs its expiry).
if attempts_allowed > 0 then
  local attempts = redis.call('INCR', attempts_key)
  if attempts == 1 then redis.call('PEXPIRE', attempts_key, 1000) end
  if attempts > attempts_allowed then
    local wait = redis.call('PTTL', attempts_key)
    return {'TOO_MANY_REQUESTS', '', '', '0', tostring(wait > 0 and wait or 1000)}
  end
end

if has_idem then
  local earlier = redis.call('GET', idem_key)
  if earlier then
    local stored = cjson.decode(earlier)
    -- Answers stored before requests were recorded with them are bare replies.
    if stored.answer == nil then return stored end
    if stored.request ~= request then return {'IDEMPOTENCY_KEY_REUSED', '', '', '0', '0'} end
    return stored.answer
  end
end

local function answer(result)
  if has_idem then
    redis.call('SET', idem_key, cjson.encode({request = request, answer = result}), 'EX', idem_ttl)
  end
  return result
end

-- Refusals that stay true whatever happens next, so a retry with the same key may be told again.
local FINAL_REFUSALS = {ENDED = true, ACTIVITY_CANCELLED = true, MATCH_ONLY = true, GROUP_CLOSED = true}

local function refuse(code)
  local result = {code, '', '', '0', '0'}
  if FINAL_REFUSALS[code] then return answer(result) end
  return result
end

local a = redis.call('HMGET', activity_key, 'starts_at', 'ends_at', 'stock', 'per_user_limit',
  'group_size', 'group_price', 'solo_price', 'group_ttl_ms', 'pay_window_ms', 'activity_id', 'mode', 'pickup', 'state',
  'safety_stock', 'alerted', 'shards')
if not a[1] then
  return {'NOT_FOUND', '', '', '0', '0'}
end
-- A cancelled activity (cancel_activity.lua) takes no reservation at all.
if a[13] == ACTIVITY_CANCELLED then return refuse('ACTIVITY_CANCELLED') end
local starts_at, ends_at, stock, limit = tonumber(a[1]), tonumber(a[2]), tonumber(a[3]), tonumber(a[4])
local group_size, group_price, solo_price = tonumber(a[5]), a[6], a[7]
local group_ttl, pay_window, activity_id, mode = tonumber(a[8]), tonumber(a[9]), a[10], a[11]
-- A bucket of an activity split into N buckets numbers its orders and groups b + N, b + 2N, ...
-- ('seq' starts at b), so an id names its bucket; an activity in one bucket has no 'shards' field.
local seq_step = tonumber(a[16] or '1')

if now < starts_at then return refuse('NOT_STARTED') end
if now >= ends_at then return refuse('ENDED') end
if kind == 'OPEN' and mode == 'FLASH' then return refuse('MATCH_ONLY') end

-- An activity with pickup points takes each unit from the point the buyer named as well; one
-- without points makes no call here.
local point_field, point_left, point_safety, point_alerted = nil, nil, nil, nil
if point ~= '' then
  if a[12] ~= '1' then return refuse('PICKUP_POINT_NOT_SERVED') end
  point_field = point_stock_field(point)
  local p = redis.call('HMGET', activity_key, point_field, point_closed_field(point), safety_stock_field(point),
    alerted_field(point))
  point_left, point_safety, point_alerted = tonumber(p[1]), tonumber(p[3]), p[4]
  if not point_left then return refuse('PICKUP_POINT_NOT_SERVED') end
  -- Deactivated since the activity was warmed (close_point.lua): its orders collect, none are new.
  if p[2] then return refuse('PICKUP_POINT_CLOSED') end
elseif a[12] == '1' then
  return refuse('PICKUP_POINT_REQUIRED')
end

-- The open group with the fewest free slots that the buyer is not in, and whether the buyer is in
-- an open group with a free slot. Entries that take no member any more (settled, full, deadline
-- passed, gone) are dropped from the list on the way, so stale entries never hide a joinable group
-- and each is read at most once; the buyer's own groups are few (at most their per-user limit).
local function group_to_match()
  local own = 0
  while true do
    local candidates = redis.call('ZRANGEBYSCORE', open_key, 1, '+inf', 'LIMIT', own, 16)
    if #candidates == 0 then return nil, own > 0 end
    for _, candidate in ipairs(candidates) do
      local g = redis.call('HMGET', group_key(prefix, candidate), 'status', 'deadline', 'members', 'size')
      if g[1] ~= GROUP_OPEN or now >= tonumber(g[2]) or tonumber(g[3]) >= tonumber(g[4]) then
        redis.call('ZREM', open_key, candidate)
      elseif redis.call('HEXISTS', group_members_key(prefix, candidate), buyer) == 1 then
        own = own + 1
      else
        return candidate, false
      end
    end
  end
end

-- A buyer whose own group is the only one with free slots waits for it to fill: opening a second
-- group would leave two groups half empty.
if kind == 'MATCH' then
  local in_open_group
  join_group_id, in_open_group = group_to_match()
  if not join_group_id and in_open_group then return refuse('ALREADY_IN_GROUP') end
  kind = join_group_id and 'JOIN' or 'OPEN'
end

local group_hash, members_hash
if kind == 'JOIN' then
  group_hash, members_hash = group_key(prefix, join_group_id), group_members_key(prefix, join_group_id)
  local g = redis.call('HMGET', group_hash, 'status', 'deadline', 'members', 'size')
  if not g[1] then
    return {'NOT_FOUND', '', '', '0', '0'}
  end
  if g[1] ~= GROUP_OPEN or now >= tonumber(g[2]) then return refuse('GROUP_CLOSED') end
  if redis.call('HEXISTS', members_hash, buyer) == 1 then return refuse('ALREADY_IN_GROUP') end
  if tonumber(g[3]) >= tonumber(g[4]) then return refuse('GROUP_FULL') end
end

local held = tonumber(redis.call('HGET', quota_key, buyer) or '0')
if held + 1 > limit then return refuse('LIMIT_REACHED') end
if stock <= 0 then return refuse('SOLD_OUT') end
if point_field and point_left <= 0 then return refuse('POINT_SOLD_OUT') end

-- Every check passed: take the unit and record the reservation.
local stock_left = redis.call('HINCRBY', activity_key, 'stock', -1)
if point_field then point_left = redis.call('HINCRBY', activity_key, point_field, -1) end
redis.call('HINCRBY', quota_key, buyer, 1)
local seq = redis.call('HINCRBY', activity_key, 'seq', seq_step)
local order_id = child_id(activity_id, seq)
local pay_by = now + pay_window
local amount = solo_price
local group_id = ''
local group = cjson.null

if kind == 'OPEN' then
  seq = redis.call('HINCRBY', activity_key, 'seq', seq_step)
  group_id = child_id(activity_id, seq)
  group_hash, members_hash = group_key(prefix, group_id), group_members_key(prefix, group_id)
  -- A group never outlives its activity: it settles at the earlier of its own deadline and the end.
  local deadline = math.min(now + group_ttl, ends_at)
  redis.call('HSET', group_hash, 'status', GROUP_OPEN, 'size', group_size, 'members', 0, 'paid', 0,
    'deadline', deadline, 'leader', buyer, 'opened_at', now, 'version', 0)
  redis.call('ZADD', group_due_key, deadline, group_id)
elseif kind == 'JOIN' then
  group_id = join_group_id
end

if group_id ~= '' then
  amount = group_price
  redis.call('HINCRBY', group_hash, 'members', 1)
  redis.call('HINCRBY', group_hash, 'version', 1)
  redis.call('HSET', members_hash, buyer, order_id)
  group = group_snapshot(prefix, group_id)
  local free = group.size - group.members
  if free > 0 then redis.call('ZADD', open_key, free, group_id) else redis.call('ZREM', open_key, group_id) end
end

-- The point is recorded only when the activity has points, so an order without one has no such field.
local order_fields = {'status', ORDER_RESERVED, 'buyer', buyer, 'group', group_id, 'amount', amount,
  'pay_by', pay_by, 'created_at', now, 'version', 1}
if point_field then
  order_fields[#order_fields + 1] = 'point'
  order_fields[#order_fields + 1] = point
end
-- Attribution (the leaders' commission follows it); an order attributed to nobody has no such fields.
local leader, attribution, binds = nil, nil, nil
if referrer ~= '' then
  leader, attribution = referrer, 'REFERRER'
  if bound_leader == '' or bound_leader == referrer then binds = referrer end
elseif bound_leader ~= '' then
  leader, attribution = bound_leader, 'BINDING'
elseif point_leader ~= '' and point_field then
  leader, attribution = point_leader, 'POINT'
end
if leader then
  order_fields[#order_fields + 1] = 'leader'
  order_fields[#order_fields + 1] = leader
  order_fields[#order_fields + 1] = 'attribution'
  order_fields[#order_fields + 1] = attribution
end
redis.call('HSET', order_key(prefix, order_id), unpack(order_fields))
redis.call('ZADD', pay_due_key, pay_by, order_id)

local order = order_view(order_id, group_id, buyer, ORDER_RESERVED, amount, pay_by, 1, nil, nil, nil,
  point_field and point or nil, nil, nil, nil, nil, leader)
order.attribution = attribution
order.bindsTo = binds
append(events_key, EVENT_RESERVATION_MADE, {at = now, orders = {order}, group = group})

-- A level this unit took to its safety stock or below alerts once (header); the alert's id is the
-- order's id, and '<order id>:<point id>' at a point: one reservation crosses each level once.
local function alert_if_low(level_point, left, safety, alerted)
  if alerted or not safety or left > safety then return end
  redis.call('HSET', activity_key, alerted_field(level_point), '1')
  append(events_key, EVENT_STOCK_LOW, {at = now, alertId = level_point == '' and order_id or order_id .. ':' .. level_point,
    activityId = activity_id, pointId = tonumber(level_point), orderId = order_id, remaining = left,
    safetyStock = safety})
end
alert_if_low('', stock_left, tonumber(a[14]), a[15])
if point_field then alert_if_low(point, point_left, point_safety, point_alerted) end

return answer({'OK', order_id, group_id, tostring(amount), tostring(pay_by)})
