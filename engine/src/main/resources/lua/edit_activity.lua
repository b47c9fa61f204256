-- Rewrites the terms of a warm activity that has not opened yet. Before its start nothing can be
-- reserved (reserve.lua refuses NOT_STARTED), so the hash holds no live counters yet and stock is
-- simply set again. Repeating an edit with the same terms changes nothing, which is what lets a
-- failed MySQL write be compensated by writing the previous terms back.
--
-- KEYS[1] activity hash
-- ARGV[1] now (epoch ms)   ARGV[2..] field, value pairs of the new terms
-- Returns EDITED, or NOT_FOUND (not warm: MySQL alone holds it), CANCELLED, STARTED (opened, or a
-- reservation already made).
local activity_key = KEYS[1]
local now = tonumber(ARGV[1])

local a = redis.call('HMGET', activity_key, 'activity_id', 'state', 'starts_at', 'seq', 'bucket')
if not a[1] then return 'NOT_FOUND' end
if a[2] == ACTIVITY_CANCELLED then return 'CANCELLED' end
if now >= tonumber(a[3]) then return 'STARTED' end
-- A reservation was made (an instance whose clock is ahead, or one that reserved between this
-- caller reading the time and this script running): the live counters are no longer the terms.
-- (A bucket of a sharded activity numbers from its index, 'bucket'.)
if tonumber(a[4] or '0') > tonumber(a[5] or '0') then return 'STARTED' end

-- The terms replace the pickup allocation (a bucket's point totals too), windows and safety stocks too: points the edit no longer
-- lists, their default windows, an explicit window and safety stocks the edit drops are gone (and
-- any low-stock mark: nothing is sold yet).
local known = redis.call('HKEYS', activity_key)
for _, field in ipairs(known) do
  if string.sub(field, 1, 6) == 'point:' or string.sub(field, 1, 12) == 'point_total:'
      or string.sub(field, 1, 7) == 'window:' or field == 'pickup_from'
      or field == 'pickup_to' or field == 'perishable' or string.sub(field, 1, 12) == 'safety_stock'
      or string.sub(field, 1, 7) == 'alerted' then
    redis.call('HDEL', activity_key, field)
  end
end

local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', activity_key, unpack(fields))
return 'EDITED'
