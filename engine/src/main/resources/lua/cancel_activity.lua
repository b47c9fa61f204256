-- Cancels a warm activity, before or after it opened. From now on reserve.lua refuses every
-- reservation with ACTIVITY_CANCELLED, and every open group becomes due at once: the sweeper's
-- group settlement then fails it and refunds its paid members through the usual failure path
-- (it fails every group of a cancelled activity, whatever its mode). Units come back to stock
-- there, not here. Cancelling again changes nothing.
--
-- KEYS[1] activity hash   KEYS[2] group deadlines (zset)
-- ARGV[1] now (epoch ms)
-- Returns {outcome, open groups made due}; outcome is CANCELLED, ALREADY_CANCELLED or NOT_FOUND
-- (not warm: MySQL alone holds it).
local activity_key, group_due_key = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])

local a = redis.call('HMGET', activity_key, 'activity_id', 'state')
if not a[1] then return {'NOT_FOUND', 0} end
if a[2] == 'CANCELLED' then return {'ALREADY_CANCELLED', 0} end

redis.call('HSET', activity_key, 'state', 'CANCELLED', 'cancelled_at', now)
-- Pull every later deadline to now; groups already due keep theirs.
local later = redis.call('ZRANGEBYSCORE', group_due_key, '(' .. now, '+inf')
for _, group_id in ipairs(later) do
  redis.call('ZADD', group_due_key, now, group_id)
end
return {'CANCELLED', #later}
