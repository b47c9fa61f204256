-- Gives back the attempt count_bad_code.lua took, once the code turned out good (it belongs to an
-- order at the scanning point): good codes do not use up the subject's limit. Never below zero,
-- and a counter already gone (its window ended) stays gone.
--
-- KEYS[1] the subject's counter (a string)
-- Returns the attempts left counted in the window.
local counter_key = KEYS[1]

local count = tonumber(redis.call('GET', counter_key) or '0')
if count <= 0 then return 0 end
return redis.call('DECR', counter_key)
