-- Freezes the stock transfers of one live bucket of a sharded activity while a rebuild of its lost
-- buckets reads it, and reads it in the same call (docs/cluster.md, "Rebuilding lost buckets").
-- While the bucket's freeze key exists take_stock.lua takes nothing from it and give_stock.lua adds
-- nothing to it, so its stock, quota, point totals and transfers read here stay true until the
-- rebuild's FINISH (reservations, expiries and refunds still run: they only move units between
-- 'stock' and the bucket's own orders, which the read counts together). The key holds the
-- rebuilder's owner token and expires after ARGV[3] ms, so a rebuilder that died freezes nothing
-- for long; CONFIRM proves, just before FINISH, that the freeze held throughout.
--
-- KEYS[1] the bucket's activity hash   KEYS[2] its quota hash   KEYS[3] its transfers_out
-- KEYS[4] its transfers_in             KEYS[5] its freeze key
-- ARGV[1] step: FREEZE | CONFIRM | THAW   ARGV[2] owner token   ARGV[3] freeze time (ms)
-- CONFIRM: ARGV[4] JSON {"epochs": {"<bucket>": epoch, ...}, "ids": [transfer id, ...]}: the other
--          buckets' epochs to learn (giver_epoch:<bucket>), and transfer ids to look up in transfers_in
-- Returns {outcome, json}:
--   FREEZE  -> FROZEN with {"stock", "held" (the quota's units), "epoch", "out": {id: record},
--              "points": {"<point>": [left, total or -1]}, "epochs": {"<bucket>": epoch}}
--              | GONE (no hash: the bucket is lost too) | BUSY (another rebuilder froze it)
--   CONFIRM -> CONFIRMED with [the ids of ARGV[4] this bucket received] | GONE | LOST (the freeze
--              expired or is another's: what was read may be stale)
--   THAW    -> THAWED (the freeze key deleted when it was this owner's)
local activity_key, quota_key, out_key, in_key, frozen_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local step, owner, freeze_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])

if step == 'THAW' then
  if redis.call('GET', frozen_key) == owner then redis.call('DEL', frozen_key) end
  return {'THAWED', '{}'}
end

if redis.call('EXISTS', activity_key) == 0 then return {'GONE', '{}'} end
local holder = redis.call('GET', frozen_key)

if step == 'FREEZE' then
  if holder and holder ~= owner then return {'BUSY', '{}'} end
  redis.call('SET', frozen_key, owner, 'PX', freeze_ms)
  local held = 0
  for _, units in ipairs(redis.call('HVALS', quota_key)) do held = held + tonumber(units) end
  local out = {}
  local flat = redis.call('HGETALL', out_key)
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  local read = {stock = 0, held = held, epoch = 0, out = out, points = {}, epochs = {}}
  local fields = redis.call('HGETALL', activity_key)
  local totals = {}
  for i = 1, #fields, 2 do
    local field, value = fields[i], fields[i + 1]
    if field == 'stock' then
      read.stock = tonumber(value)
    elseif field == 'epoch' then
      read.epoch = tonumber(value)
    elseif string.sub(field, 1, 6) == 'point:' then
      local point = string.sub(field, 7)
      read.points[point] = read.points[point] or {0, -1}
      read.points[point][1] = tonumber(value)
    elseif string.sub(field, 1, 12) == 'point_total:' then
      totals[string.sub(field, 13)] = tonumber(value)
    elseif string.sub(field, 1, 12) == 'giver_epoch:' then
      read.epochs[string.sub(field, 13)] = tonumber(value)
    end
  end
  for point, total in pairs(totals) do
    read.points[point] = read.points[point] or {0, -1}
    read.points[point][2] = total
  end
  return {'FROZEN', cjson.encode(read)}
end

if step ~= 'CONFIRM' then return redis.error_reply('unknown freeze step ' .. tostring(step)) end
if holder ~= owner then return {'LOST', '{}'} end
redis.call('PEXPIRE', frozen_key, freeze_ms)
local asked = cjson.decode(ARGV[4])
for bucket, epoch in pairs(asked.epochs) do
  redis.call('HSET', activity_key, giver_epoch_field(bucket), string.format('%d', epoch))
end
local received = {}
for _, id in ipairs(asked.ids) do
  if redis.call('HEXISTS', in_key, id) == 1 then received[#received + 1] = id end
end
return {'CONFIRMED', #received == 0 and '[]' or cjson.encode(received)}
