-- Adds units to a warm activity's stock while it is scheduled or running, and announces on the
-- restock channel that stock came back. Each change carries an id: a retried change (its MySQL
-- write failed after this ran, or the merchant repeated the request with the same Idempotency-Key)
-- is recognised and not added twice, and answers the current figures, which MySQL then copies.
--
-- KEYS[1] activity hash   KEYS[2] applied stock changes (hash: change id -> total after it)
-- ARGV[1] units to add   ARGV[2] change id   ARGV[3] now (epoch ms)   ARGV[4] restock channel
-- ARGV[5] how long applied change ids are remembered (seconds)
-- ARGV[6] the stock total MySQL holds (used only while the activity is not warm)
-- ARGV[7] the largest stock total an activity may reach (MySQL's INT and Lua's doubles hold it exactly)
-- Returns {outcome, stock for sale, stock total}; outcome is ADDED, ALREADY_ADDED, or a refusal:
-- INVALID_UNITS, TOO_MUCH_STOCK, CHANGE_REUSED (the change id came before with other units),
-- CANCELLED, ENDED. For an activity not warm (MySQL alone holds its stock) it only
-- remembers the change as 'before:after' totals and returns {NOT_WARM, after, after}; a retry
-- returns {ALREADY_NOT_WARM, before, after}, so the caller writes 'after' to MySQL only if MySQL
-- still holds 'before' (the first write failed) and never adds twice.
local activity_key, changes_key = KEYS[1], KEYS[2]
local units, change_id, now, channel, changes_ttl, mysql_total, max_total =
  tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local valid_units = units and units > 0 and units == math.floor(units)
local units_key = change_id .. '#units'

local a = redis.call('HMGET', activity_key, 'activity_id', 'state', 'ends_at', 'stock', 'stock_total')
local earlier, earlier_units = unpack(redis.call('HMGET', changes_key, change_id, units_key))
-- The same change id with other units is another request under a reused Idempotency-Key.
if earlier and earlier_units and tonumber(earlier_units) ~= units then return {'CHANGE_REUSED', 0, 0} end
if not a[1] then
  if earlier then
    local before, after = string.match(earlier, '^(%d+):(%d+)$')
    return {'ALREADY_NOT_WARM', tonumber(before), tonumber(after)}
  end
  if not valid_units then return {'INVALID_UNITS', 0, 0} end
  local after = mysql_total + units
  if after > max_total then return {'TOO_MUCH_STOCK', mysql_total, mysql_total} end
  redis.call('HSET', changes_key, change_id, mysql_total .. ':' .. after, units_key, units)
  redis.call('EXPIRE', changes_key, changes_ttl)
  return {'NOT_WARM', after, after}
end
if earlier then return {'ALREADY_ADDED', tonumber(a[4]), tonumber(a[5])} end
if not valid_units then return {'INVALID_UNITS', 0, 0} end
if a[2] == ACTIVITY_CANCELLED then return {'CANCELLED', 0, 0} end
if now >= tonumber(a[3]) then return {'ENDED', 0, 0} end
if tonumber(a[5]) + units > max_total then return {'TOO_MUCH_STOCK', tonumber(a[4]), tonumber(a[5])} end

local stock = redis.call('HINCRBY', activity_key, 'stock', units)
-- Units back above the safety stock: the next crossing alerts again (rearm_alert).
rearm_alert(activity_key, '', stock)
local total = redis.call('HINCRBY', activity_key, 'stock_total', units)
redis.call('HSET', changes_key, change_id, total, units_key, units)
redis.call('EXPIRE', changes_key, changes_ttl)
redis.call('PUBLISH', channel, a[1])
return {'ADDED', stock, total}
