-- Adds the units of a stock transfer to the receiving bucket of a sharded activity, the second half
-- of take_stock.lua (docs/cluster.md, "Hot activities: shards"). Idempotent by the transfer id: a
-- retry, or the rebalancer finishing a transfer whose first give did land, adds nothing again.
--
-- KEYS[1] the receiving bucket's activity hash   KEYS[2] its transfers_in hash
-- ARGV[1] transfer id   ARGV[2] units   ARGV[3] pickup point id, or ''   ARGV[4] memory of received
-- ids (seconds; the hash expires that long after the last transfer)   ARGV[5] restock channel
-- ARGV[6] the activity id (published on the restock channel: instances that learnt the activity
-- sold out forget it)
-- Returns {outcome, stock after}: GIVEN, ALREADY_GIVEN, NOT_WARM (the receiving bucket's hash is
-- gone, awaiting a rebuild: nothing is added; the record stays with the giver and is tried again).
local activity_key, in_key = KEYS[1], KEYS[2]
local transfer_id, units, point = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local memory, channel, activity_id = tonumber(ARGV[4]), ARGV[5], ARGV[6]

if redis.call('HEXISTS', in_key, transfer_id) == 1 then
  return {'ALREADY_GIVEN', redis.call('HGET', activity_key, 'stock') or '0'}
end
if redis.call('EXISTS', activity_key) == 0 then return {'NOT_WARM', '0'} end

local stock = redis.call('HINCRBY', activity_key, 'stock', units)
if point ~= '' then redis.call('HINCRBY', activity_key, point_stock_field(point), units) end
redis.call('HSET', in_key, transfer_id, units)
redis.call('EXPIRE', in_key, memory)
redis.call('PUBLISH', channel, activity_id)
return {'GIVEN', tostring(stock)}
