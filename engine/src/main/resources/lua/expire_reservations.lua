-- Takes the reservations whose payment deadline has passed and expires those still unpaid:
-- order EXPIRED, its unit back in stock (and in its pickup point's allocation), the buyer's quota and group slot released (a group still
-- taking members goes back on the joinable list).
-- ZREM decides which caller owns an entry, so several sweepers can run at once.
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines (zset)
-- KEYS[4] open groups with free slots (zset)   KEYS[5] event stream
-- ARGV[1] key prefix (order and group keys derive from it)   ARGV[2] now (epoch ms)
-- ARGV[3] most entries to take
-- ARGV[4] restock channel: when units came back, the activity id is published there once, so
--         instances that knew the activity sold out serve it again at once
-- Returns the number of orders expired.
local activity_key, quota_key, pay_due_key, open_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix, now, batch, restock_channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local due = redis.call('ZRANGEBYSCORE', pay_due_key, '-inf', now, 'LIMIT', 0, batch)
local expired, restocked = 0, nil
for _, order_id in ipairs(due) do
  redis.call('ZREM', pay_due_key, order_id)
  local o = redis.call('HMGET', order_key(prefix, order_id), 'status', 'buyer', 'group', 'amount', 'pay_by',
    'point')
  if o[1] == ORDER_RESERVED then
    local buyer, group_id = o[2], o[3]
    local version = transition(prefix, order_id, ORDER_EXPIRED)
    release_unit(activity_key, quota_key, buyer, o[6])
    restocked = activity_of(order_id)
    local group = cjson.null
    if group_id ~= '' then
      local group_hash = group_key(prefix, group_id)
      -- The slot reopens for another buyer while the group is still open.
      redis.call('HDEL', group_members_key(prefix, group_id), buyer)
      redis.call('HINCRBY', group_hash, 'members', -1)
      redis.call('HINCRBY', group_hash, 'version', 1)
      group = group_snapshot(prefix, group_id)
      -- Back on the joinable list (scored by free slots) while the group still takes members:
      -- open and before its deadline (a group past it waits for settlement).
      if group.status == GROUP_OPEN and now < group.deadline then
        redis.call('ZADD', open_key, group.size - group.members, group_id)
      end
    end
    local order = order_view(order_id, group_id, buyer, ORDER_EXPIRED, o[4], o[5], version, nil, nil, nil,
      o[6])
    append(events_key, EVENT_RESERVATION_EXPIRED, {at = now, orders = {order}, group = group})
    expired = expired + 1
  end
end
if restocked then
  redis.call('PUBLISH', restock_channel, restocked)
end
return expired
