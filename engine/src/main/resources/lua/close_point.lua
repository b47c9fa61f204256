-- Closes a deactivated pickup point in one warm activity that delivers to it: reserve.lua refuses
-- new reservations naming it (PICKUP_POINT_CLOSED), while its orders still collect there and units
-- that come back still return to its share. Idempotent.
--
-- KEYS[1] activity hash
-- ARGV[1] point id
-- Returns one string: CLOSED | ALREADY_CLOSED | NOT_SERVED (the activity does not deliver there)
-- | NOT_WARM.
local activity_key = KEYS[1]
local point = ARGV[1]

local a = redis.call('HMGET', activity_key, 'activity_id', point_stock_field(point), point_closed_field(point))
if not a[1] then return 'NOT_WARM' end
if not a[2] then return 'NOT_SERVED' end
if a[3] then return 'ALREADY_CLOSED' end
redis.call('HSET', activity_key, point_closed_field(point), '1')
return 'CLOSED'
