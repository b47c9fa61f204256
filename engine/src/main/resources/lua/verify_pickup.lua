-- Hands an order out at its pickup point (核销): a compare-and-set on the order hash, so of any
-- number of scans of one code exactly one succeeds. A collectable order (SUCCEEDED, or OVERDUE once
-- pickup windows end) collected at this point becomes PICKED_UP, with when and by whom, and
-- OrderPickedUp is appended to the activity's stream. Every refusal changes nothing.
-- The pickup timers (window end, reminders) are not touched: their scripts skip and drop an order
-- that is no longer collectable.
--
-- KEYS[1] event stream   KEYS[2] retirement hash (retire_activity.lua's place)
-- ARGV[1] key prefix   ARGV[2] order id   ARGV[3] the point scanning   ARGV[4] staff subject
-- ARGV[5] now (epoch ms)
-- Returns {outcome, at, buyer}: PICKED_UP (at: now), ALREADY_PICKED_UP (at: when it was first
-- handed out), WRONG_POINT (the order collects elsewhere), NOT_COLLECTABLE (at: its status),
-- NOT_FOUND (no such order in Redis, or its activity RETIRED); buyer is the order's buyer ('' when
-- not found).
local events_key, retirement_key = KEYS[1], KEYS[2]
local prefix, order_id, point, staff, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])

local COLLECTABLE = {[ORDER_SUCCEEDED] = true, [ORDER_OVERDUE] = true}

-- A retired activity's stream is no longer relayed: a hand-out appended to it would never reach
-- MySQL. Its orders answer as gone, and the caller hands out against MySQL instead.
if redis.call('HGET', retirement_key, 'phase') == 'RETIRED' then return {'NOT_FOUND', '', ''} end

local o = redis.call('HMGET', order_key(prefix, order_id), 'status', 'point', 'picked_up_at', 'buyer')
if not o[1] then return {'NOT_FOUND', '', ''} end
if o[2] ~= point then return {'WRONG_POINT', '', o[4]} end
if o[1] == ORDER_PICKED_UP then return {'ALREADY_PICKED_UP', o[3], o[4]} end
if not COLLECTABLE[o[1]] then return {'NOT_COLLECTABLE', o[1], o[4]} end

transition(prefix, order_id, ORDER_PICKED_UP, 'picked_up_at', now, 'picked_up_by', staff)
append(events_key, EVENT_ORDER_PICKED_UP, {at = now, orders = {order_snapshot(prefix, order_id)},
  group = cjson.null, pointId = tonumber(point), staff = staff})
return {'PICKED_UP', tostring(now), o[4]}
