-- Takes one pickup-code attempt of one staff subject from its limit, before the code is looked up:
-- every attempt counts as bad until it turns out good (then give_back_code.lua returns it), so any
-- number of simultaneous scans let at most the limit through. The window is fixed and starts with
-- the first counted attempt; the counter is shared by every instance. Past the limit each attempt
-- is refused and still counted, so the first refusal of a window is known (count = limit + 1).
--
-- KEYS[1] the subject's counter (a string)
-- ARGV[1] window (ms)   ARGV[2] the limit (attempts a window lets through)
-- Returns {outcome, attempts counted in the window, milliseconds until the window ends}; outcome
-- TAKEN (may try) or REFUSED (over the limit).
local counter_key = KEYS[1]
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])

local count = redis.call('INCR', counter_key)
if count == 1 then redis.call('PEXPIRE', counter_key, window) end
local left = redis.call('PTTL', counter_key)
if left < 0 then
  -- A counter left without expiry (never by this script) must not block the subject for good.
  redis.call('PEXPIRE', counter_key, window)
  left = window
end
if count > limit then return {'REFUSED', tostring(count), tostring(left)} end
return {'TAKEN', tostring(count), tostring(left)}
