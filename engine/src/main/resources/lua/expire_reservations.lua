-- Takes the reservations whose payment deadline has passed and expires those still unpaid:
-- order EXPIRED, its unit back in stock, the buyer's quota and group slot released (a group still
-- taking members goes back on the joinable list).
-- ZREM decides which caller owns an entry, so several sweepers can run at once.
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines (zset)   KEYS[4] event stream
-- ARGV[1] key prefix   ARGV[2] now (epoch ms)   ARGV[3] most entries to take
-- ARGV[4] restock channel: when units came back, the activity id is published there once, so
--         instances that knew the activity sold out serve it again at once
-- Returns the number of orders expired.
local activity_key, quota_key, pay_due_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix, now, batch, restock_channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local due = redis.call('ZRANGEBYSCORE', pay_due_key, '-inf', now, 'LIMIT', 0, batch)
local expired, restocked = 0, nil
for _, order_id in ipairs(due) do
  redis.call('ZREM', pay_due_key, order_id)
  local order_key = prefix .. 'o:' .. order_id
  local o = redis.call('HMGET', order_key, 'status', 'buyer', 'group', 'amount', 'pay_by')
  if o[1] == 'RESERVED' then
    local buyer, group_id = o[2], o[3]
    redis.call('HSET', order_key, 'status', 'EXPIRED')
    local version = redis.call('HINCRBY', order_key, 'version', 1)
    redis.call('HINCRBY', activity_key, 'stock', 1)
    if redis.call('HINCRBY', quota_key, buyer, -1) <= 0 then
      redis.call('HDEL', quota_key, buyer)
    end
    local activity_id = string.match(order_id, '^(%d+)-')
    restocked = activity_id
    local group = cjson.null
    if group_id ~= '' then
      local group_key = prefix .. 'g:' .. group_id
      -- The slot reopens for another buyer while the group is still open.
      redis.call('HDEL', group_key .. ':members', buyer)
      redis.call('HINCRBY', group_key, 'members', -1)
      redis.call('HINCRBY', group_key, 'version', 1)
      local g = redis.call('HMGET', group_key, 'status', 'size', 'members', 'paid', 'deadline', 'version', 'leader')
      -- Back on the joinable list (<prefix>open, scored by free slots) while the group still
      -- takes members: open and before its deadline (a group past it waits for settlement).
      if g[1] == 'OPEN' and now < tonumber(g[5]) then
        redis.call('ZADD', prefix .. 'open', tonumber(g[2]) - tonumber(g[3]), group_id)
      end
      group = {id = group_id, activityId = activity_id, status = g[1], size = tonumber(g[2]),
        members = tonumber(g[3]), paid = tonumber(g[4]), deadline = tonumber(g[5]),
        version = tonumber(g[6]), leader = g[7]}
    end
    local order = {id = order_id, activityId = activity_id, groupId = group_id, buyerId = buyer,
      status = 'EXPIRED', amount = tonumber(o[4]), payBy = tonumber(o[5]), version = version}
    redis.call('XADD', events_key, '*', 'type', 'ReservationExpired',
      'data', cjson.encode({at = now, orders = {order}, group = group}))
    expired = expired + 1
  end
end
if restocked then
  redis.call('PUBLISH', restock_channel, restocked)
end
return expired
