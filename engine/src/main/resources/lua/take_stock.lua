-- Takes units from one bucket of a sharded activity, the first half of a stock transfer between
-- buckets (docs/cluster.md, "Hot activities: shards"). Two buckets live in different cluster slots,
-- so no script may touch both: this one takes the units and records the transfer in the giving
-- bucket, give_stock.lua adds them to the receiving one (once per transfer id), and the caller then
-- deletes the record (HDEL). A record left behind (a crash between the steps) is finished by the
-- rebalancer; until then its units are for sale nowhere, so a transfer never sells a unit twice.
--
-- While a rebuild of another bucket reads this one (freeze_transfers.lua), the bucket's freeze key
-- exists and nothing is taken (FROZEN): what the rebuild read stays true until its FINISH. The key
-- expires on its own, so a rebuilder that died freezes nothing for long.
--
-- KEYS[1] the giving bucket's activity hash   KEYS[2] its transfers_out hash   KEYS[3] its freeze key
-- ARGV[1] transfer id (new for every transfer, [A-Za-z0-9-]{1,64})
-- ARGV[2] most units to take                   ARGV[3] pickup point id, or '' (the units come from
--         'point:<id>' and 'stock' together, so each bucket's points still sum to its stock; and
--         from 'point_total:<id>', the bucket's allocation there)
-- ARGV[4] the receiving bucket's index         ARGV[5] now (epoch ms)
-- ARGV[6] '1': take at most half of what is left (rounded up), so the giver keeps some for its own buyers
-- Returns {outcome, units, epoch}: TAKEN (units > 0; epoch: the giver's rebuild epoch, which the
-- give must carry), EMPTY (nothing to take), NOT_WARM, CANCELLED, FROZEN (a rebuild reads the
-- bucket; try later), ALREADY_TAKEN (the id was used: units and epoch as recorded).
-- The record: 'to|point|units|at|epoch'.
local activity_key, out_key, frozen_key = KEYS[1], KEYS[2], KEYS[3]
local transfer_id, most, point, to, now = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local half = ARGV[6] == '1'

local earlier = redis.call('HGET', out_key, transfer_id)
if earlier then
  local units, epoch = string.match(earlier, '^[^|]*|[^|]*|(%d+)|[^|]*|?(%d*)')
  return {'ALREADY_TAKEN', units, epoch ~= '' and epoch or '0'}
end
local a = redis.call('HMGET', activity_key, 'stock', 'state', 'epoch')
if not a[1] then return {'NOT_WARM', '0', '0'} end
if a[2] == ACTIVITY_CANCELLED then return {'CANCELLED', '0', '0'} end
if redis.call('EXISTS', frozen_key) == 1 then return {'FROZEN', '0', '0'} end
local epoch = a[3] or '0'
local left = tonumber(a[1])
local point_field = nil
if point ~= '' then
  point_field = point_stock_field(point)
  left = math.min(left, tonumber(redis.call('HGET', activity_key, point_field) or '0'))
end
local units = math.min(most, half and math.ceil(left / 2) or left)
if units <= 0 then return {'EMPTY', '0', '0'} end

redis.call('HINCRBY', activity_key, 'stock', -units)
if point_field then
  redis.call('HINCRBY', activity_key, point_field, -units)
  -- A bucket warmed before totals were kept has none: not made up here.
  if redis.call('HEXISTS', activity_key, point_total_field(point)) == 1 then
    redis.call('HINCRBY', activity_key, point_total_field(point), -units)
  end
end
redis.call('HSET', out_key, transfer_id, to .. '|' .. point .. '|' .. units .. '|' .. now .. '|' .. epoch)
return {'TAKEN', tostring(units), epoch}
