-- Cancels a warm activity, before or after it opened. From now on reserve.lua refuses every
-- reservation with ACTIVITY_CANCELLED, and every open group becomes due at once: the sweeper's
-- group settlement then fails it and refunds its paid members through the usual failure path
-- (it fails every group of a cancelled activity, whatever its mode). Every unpaid reservation is
-- due at once as well, so expire_reservations.lua expires it; a payment arriving later is refunded
-- as any late payment is. Units come back to stock there, not here. Cancelling again changes
-- nothing.
--
-- KEYS[1] activity hash   KEYS[2] group deadlines (zset)   KEYS[3] payment deadlines (zset)
-- ARGV[1] now (epoch ms)
-- Returns {outcome, open groups made due, unpaid reservations made due}; outcome is CANCELLED,
-- ALREADY_CANCELLED or NOT_FOUND (not warm: MySQL alone holds it).
local activity_key, group_due_key, pay_due_key = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])

local a = redis.call('HMGET', activity_key, 'activity_id', 'state')
if not a[1] then return {'NOT_FOUND', 0, 0} end
if a[2] == ACTIVITY_CANCELLED then return {'ALREADY_CANCELLED', 0, 0} end

redis.call('HSET', activity_key, 'state', ACTIVITY_CANCELLED, 'cancelled_at', now)

-- Pulls every later deadline of a zset to now; entries already due keep theirs.
local function due_now(zset_key)
  local later = redis.call('ZRANGEBYSCORE', zset_key, '(' .. now, '+inf')
  for _, member in ipairs(later) do
    redis.call('ZADD', zset_key, now, member)
  end
  return #later
end

local groups = due_now(group_due_key)
local reservations = due_now(pay_due_key)
return {'CANCELLED', groups, reservations}
