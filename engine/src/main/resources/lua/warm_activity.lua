-- Loads an activity into Redis once, before it opens. Idempotent and safe with many
-- instances: an activity that is already warm keeps its live counters untouched.
--
-- KEYS[1] activity hash        KEYS[2] event stream
-- ARGV[1] relay consumer group  ARGV[2..] field, value pairs of the activity
-- Returns 'WARMED' or 'ALREADY_WARM'.
local activity_key = KEYS[1]
local events_key = KEYS[2]
local relay_group = ARGV[1]

if redis.call('EXISTS', activity_key) == 1 then
  return 'ALREADY_WARM'
end

-- The relay's consumer group must exist before the first event is appended. Check before
-- writing anything: a stray key of another type would make every later XADD fail half-way.
local events_type = redis.call('TYPE', events_key)['ok']
if events_type ~= 'none' and events_type ~= 'stream' then
  return redis.error_reply('event stream key ' .. events_key .. ' holds a ' .. events_type)
end
local ok, err = pcall(redis.call, 'XGROUP', 'CREATE', events_key, relay_group, '0', 'MKSTREAM')
local message = type(err) == 'table' and tostring(err.err) or tostring(err)
if not ok and not string.find(message, 'BUSYGROUP') then
  return redis.error_reply('could not create the relay group: ' .. message)
end

local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', activity_key, unpack(fields))
redis.call('HSET', activity_key, 'seq', 0)
return 'WARMED'
