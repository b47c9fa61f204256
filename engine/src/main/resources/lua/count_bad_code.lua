-- Counts a bad pickup code (unknown, or another point's) tried by one staff subject, in a fixed
-- window that starts with the first bad code: the counter is shared by every instance.
--
-- KEYS[1] the subject's counter (a string)
-- ARGV[1] window (ms)
-- Returns {bad codes in the window, milliseconds until the window ends}.
local counter_key = KEYS[1]
local window = tonumber(ARGV[1])

local count = redis.call('INCR', counter_key)
if count == 1 then redis.call('PEXPIRE', counter_key, window) end
local left = redis.call('PTTL', counter_key)
if left < 0 then
  -- A counter left without expiry (never by this script) must not block the subject for good.
  redis.call('PEXPIRE', counter_key, window)
  left = window
end
return {tostring(count), tostring(left)}
