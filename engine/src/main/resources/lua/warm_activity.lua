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

local failed = create_relay_group(events_key, relay_group)
if failed then return redis.error_reply(failed) end

local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', activity_key, unpack(fields))
-- Bucket b of an activity split into buckets numbers from b (reserve.lua steps by 'shards'); 0 otherwise.
redis.call('HSET', activity_key, 'seq', tonumber(redis.call('HGET', activity_key, 'bucket') or '0'))
return 'WARMED'
