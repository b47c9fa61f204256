-- Takes the groups whose deadline has passed and fails those still open. Unpaid members expire,
-- paid members go to REFUNDING with a deterministic refund number; every unit goes back on sale.
-- ZREM decides which caller owns an entry, so several sweepers can run at once.
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines (zset)
-- KEYS[4] group deadlines (zset)   KEYS[5] event stream
-- ARGV[1] key prefix   ARGV[2] now (epoch ms)   ARGV[3] most groups to take
-- ARGV[4] restock channel: when units came back, the activity id is published there once, so
--         instances that knew the activity sold out serve it again at once
-- Returns the number of groups failed.
local activity_key, quota_key, pay_due_key, group_due_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix, now, batch, restock_channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local due = redis.call('ZRANGEBYSCORE', group_due_key, '-inf', now, 'LIMIT', 0, batch)
local failed, restocked = 0, nil
for _, group_id in ipairs(due) do
  redis.call('ZREM', group_due_key, group_id)
  local group_key = prefix .. 'g:' .. group_id
  if redis.call('HGET', group_key, 'status') == 'OPEN' then
    local activity_id = string.match(group_id, '^(%d+)-')
    redis.call('HSET', group_key, 'status', 'FAILED', 'settled_at', now)
    redis.call('HINCRBY', group_key, 'version', 1)
    local orders, refunds = {}, {}
    local members = redis.call('HGETALL', group_key .. ':members')
    for i = 1, #members, 2 do
      local buyer, order_id = members[i], members[i + 1]
      local order_key = prefix .. 'o:' .. order_id
      local o = redis.call('HMGET', order_key, 'status', 'amount', 'pay_by')
      local to = nil
      if o[1] == 'RESERVED' then
        to = 'EXPIRED'
        redis.call('ZREM', pay_due_key, order_id)
      elseif o[1] == 'PAID' then
        to = 'REFUNDING'
        local refund_no = 'RF' .. order_id
        redis.call('HSET', order_key, 'refund_no', refund_no)
        refunds[#refunds + 1] = {refundNo = refund_no, orderId = order_id, amount = tonumber(o[2]),
          reason = 'GROUP_FAILED'}
      end
      if to then
        redis.call('HSET', order_key, 'status', to)
        local version = redis.call('HINCRBY', order_key, 'version', 1)
        redis.call('HINCRBY', activity_key, 'stock', 1)
        restocked = activity_id
        if redis.call('HINCRBY', quota_key, buyer, -1) <= 0 then
          redis.call('HDEL', quota_key, buyer)
        end
        orders[#orders + 1] = {id = order_id, activityId = activity_id, groupId = group_id, buyerId = buyer,
          status = to, amount = tonumber(o[2]), payBy = tonumber(o[3]), version = version}
      end
    end
    local g = redis.call('HMGET', group_key, 'status', 'size', 'members', 'paid', 'deadline', 'version', 'leader')
    local group = {id = group_id, activityId = activity_id, status = g[1], size = tonumber(g[2]),
      members = tonumber(g[3]), paid = tonumber(g[4]), deadline = tonumber(g[5]),
      version = tonumber(g[6]), leader = g[7]}
    -- cjson would encode an empty table as an object; leave the field out instead.
    if #orders == 0 then orders = nil end
    redis.call('XADD', events_key, '*', 'type', 'GroupFailed',
      'data', cjson.encode({at = now, orders = orders, group = group}))
    if #refunds > 0 then
      redis.call('XADD', events_key, '*', 'type', 'RefundRequested',
        'data', cjson.encode({at = now, refunds = refunds}))
    end
    failed = failed + 1
  end
end
if restocked then
  redis.call('PUBLISH', restock_channel, restocked)
end
return failed
