-- Moves units of a warm activity's stock from one pickup point's share to another's (库存分账),
-- before or during the sale. Only free units move: the units the point's live orders hold stay,
-- so no point ever holds more than its share. Each move carries a change id: a retried move (its
-- MySQL write failed after this ran, or the merchant repeated the request with the same
-- Idempotency-Key) is recognised and not applied twice.
--
-- A giving point the move takes to its safety stock or below alerts as a reservation would (once
-- per crossing: reserve.lua's header): a StockLow event whose alert id and orderId derive from the
-- change id ('M<activity id>-<16 hex of sha1(change id)>:<point id>' and 'move:<the same 16 hex>'),
-- so a replayed event records one alert.
--
-- KEYS[1] activity hash   KEYS[2] applied moves (hash: change id -> 'from>to*units')   KEYS[3] events
-- ARGV[1] from point id   ARGV[2] to point id   ARGV[3] units   ARGV[4] change id
-- ARGV[5] how long applied change ids are remembered (seconds)   ARGV[6] now (epoch ms)
-- Returns {outcome, from's remaining share, to's remaining share}; outcome is MOVED, ALREADY_MOVED,
-- or a refusal: NOT_WARM (MySQL alone holds the allocation), CANCELLED, NOT_SERVED (a point the
-- activity does not deliver to), POINT_CLOSED (the point units go to is deactivated: close_point
-- marked it, and it takes no reservations), NOT_ENOUGH (from has fewer free units), CHANGE_REUSED (the change
-- id came before with another move).
local activity_key, changes_key, events_key = KEYS[1], KEYS[2], KEYS[3]
local from, to, units, change_id, memory = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local from_field, to_field = point_stock_field(from), point_stock_field(to)
local request = from .. '>' .. to .. '*' .. ARGV[3]

local a = redis.call('HMGET', activity_key, 'activity_id', 'state', from_field, to_field, point_closed_field(to),
  safety_stock_field(from), alerted_field(from))
if not a[1] then return {'NOT_WARM', '0', '0'} end
local earlier = redis.call('HGET', changes_key, change_id)
if earlier and earlier ~= request then return {'CHANGE_REUSED', '0', '0'} end
if earlier then return {'ALREADY_MOVED', a[3] or '0', a[4] or '0'} end
if a[2] == ACTIVITY_CANCELLED then return {'CANCELLED', '0', '0'} end
local from_left, to_left = tonumber(a[3]), tonumber(a[4])
if not from_left or not to_left then return {'NOT_SERVED', '0', '0'} end
if a[5] then return {'POINT_CLOSED', tostring(from_left), tostring(to_left)} end
if from_left < units then return {'NOT_ENOUGH', tostring(from_left), tostring(to_left)} end

from_left = redis.call('HINCRBY', activity_key, from_field, -units)
to_left = redis.call('HINCRBY', activity_key, to_field, units)
-- A bucket of a sharded activity (refused before this by the engine) keeps its points' totals right.
if redis.call('HEXISTS', activity_key, point_total_field(from)) == 1 then
  redis.call('HINCRBY', activity_key, point_total_field(from), -units)
  redis.call('HINCRBY', activity_key, point_total_field(to), units)
end
-- The receiving point above its safety stock again alerts again at its next crossing (rearm_alert).
rearm_alert(activity_key, to, to_left)
local from_safety = tonumber(a[6])
if from_safety and not a[7] and from_left <= from_safety then
  redis.call('HSET', activity_key, alerted_field(from), '1')
  local change = string.sub(redis.sha1hex(change_id), 1, 16)
  append(events_key, EVENT_STOCK_LOW, {at = tonumber(ARGV[6]), alertId = 'M' .. a[1] .. '-' .. change .. ':' .. from,
    activityId = tonumber(a[1]), pointId = tonumber(from), orderId = 'move:' .. change, remaining = from_left,
    safetyStock = from_safety})
end
redis.call('HSET', changes_key, change_id, request)
redis.call('EXPIRE', changes_key, memory)
return {'MOVED', tostring(from_left), tostring(to_left)}
