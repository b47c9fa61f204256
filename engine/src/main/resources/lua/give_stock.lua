-- Adds the units of a stock transfer to the receiving bucket of a sharded activity, the second half
-- of take_stock.lua (docs/cluster.md, "Hot activities: shards"). Idempotent by the transfer id: a
-- retry, or the rebalancer finishing a transfer whose first give did land, adds nothing again.
--
-- Refused while a rebuild of another bucket reads this one (its freeze key, freeze_transfers.lua):
-- the record stays with the giver and is given later. Refused for good when the giver was rebuilt
-- after the take (the transfer's epoch is older than the giver's epoch this bucket knows,
-- 'giver_epoch:<giver>', written by that rebuild): the take's record was lost with the giver and its
-- units came back in the rebuild's split, so adding them here would make units.
--
-- KEYS[1] the receiving bucket's activity hash   KEYS[2] its transfers_in hash   KEYS[3] its freeze key
-- ARGV[1] transfer id   ARGV[2] units   ARGV[3] pickup point id, or ''   ARGV[4] memory of received
-- ids (seconds; the hash expires that long after the last transfer)   ARGV[5] restock channel
-- ARGV[6] the restock message: the activity id and this bucket's index, '42.3' (published on the
-- restock channel: instances that learnt this bucket empty forget it)   ARGV[7] the giving bucket's index   ARGV[8] the giver's epoch at the take
-- Returns {outcome, stock after}: GIVEN, ALREADY_GIVEN, NOT_WARM (the receiving bucket's hash is
-- gone, awaiting a rebuild: nothing is added; the record stays with the giver and is tried again),
-- FROZEN (nothing added, tried again), GIVER_REBUILT (nothing added, ever: the record is to be dropped).
local activity_key, in_key, frozen_key = KEYS[1], KEYS[2], KEYS[3]
local transfer_id, units, point = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local memory, channel, restock = tonumber(ARGV[4]), ARGV[5], ARGV[6]
local giver, giver_epoch = ARGV[7], tonumber(ARGV[8])

if redis.call('HEXISTS', in_key, transfer_id) == 1 then
  return {'ALREADY_GIVEN', redis.call('HGET', activity_key, 'stock') or '0'}
end
local known_epoch = redis.call('HMGET', activity_key, 'stock', giver_epoch_field(giver))
if not known_epoch[1] then return {'NOT_WARM', '0'} end
if redis.call('EXISTS', frozen_key) == 1 then return {'FROZEN', known_epoch[1]} end
if giver_epoch < tonumber(known_epoch[2] or '0') then return {'GIVER_REBUILT', known_epoch[1]} end

local stock = redis.call('HINCRBY', activity_key, 'stock', units)
if point ~= '' then
  redis.call('HINCRBY', activity_key, point_stock_field(point), units)
  if redis.call('HEXISTS', activity_key, point_total_field(point)) == 1 then
    redis.call('HINCRBY', activity_key, point_total_field(point), units)
  end
end
redis.call('HSET', in_key, transfer_id, units)
redis.call('EXPIRE', in_key, memory)
redis.call('PUBLISH', channel, restock)
return {'GIVEN', tostring(stock)}
