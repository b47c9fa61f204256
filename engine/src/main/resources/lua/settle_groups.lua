-- Settles the groups whose deadline has passed and that are still open. A group succeeds when its
-- paid members reach the smallest tier (an activity without tiers has one: group_size at
-- group_price), at the price of the highest tier reached; or, with virtual success, when it is at
-- most virtual_missing paid members short of the smallest tier (at least one member paid): the
-- missing places are recorded on the group as 'virtual' and take no stock. On success unpaid
-- members expire and paid members become SUCCEEDED; whoever paid more than the settled price gets
-- the difference back (tier_refund_no, 'RD' .. order id, requested once).
-- Otherwise the group fails: unpaid members expire, paid members go to REFUNDING with their full
-- refund number (full_refund_no, 'RF' .. order id). Every unit not sold goes back on sale, to the
-- pickup point it was taken from.
-- ZREM decides which caller owns an entry, so several sweepers can run at once.
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines (zset)
-- KEYS[4] group deadlines (zset)   KEYS[5] open groups with free slots (zset)   KEYS[6] event stream
-- KEYS[7] pickup windows' ends (zset)   KEYS[8] pickup reminders (zset): a paid member with a pickup
--         point of a group that succeeds gets its window, roll-over timer and reminders (open_pickup)
-- ARGV[1] key prefix (order and group keys derive from it)   ARGV[2] now (epoch ms)
-- ARGV[3] most groups to take
-- ARGV[4] restock channel: when units came back, the activity id is published there once, so
--         instances that knew the activity sold out serve it again at once
-- Returns the number of groups settled (failed or succeeded).
local activity_key, quota_key, pay_due_key, group_due_key, open_key, events_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local pickup_due_key, reminders_key = KEYS[7], KEYS[8]
local prefix, now, batch, restock_channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local a = redis.call('HMGET', activity_key, 'group_size', 'group_price', 'tiers', 'virtual_missing')
local tiers = {}
for size, price in string.gmatch(a[3] or '', '(%d+):(%d+)') do
  tiers[#tiers + 1] = {size = tonumber(size), price = tonumber(price)}
end
if #tiers == 0 then tiers[1] = {size = tonumber(a[1]), price = tonumber(a[2])} end
local virtual_allowed = tonumber(a[4] or '0')

-- Every group of a cancelled activity fails, whatever its mode; its refunds say why.
local activity_cancelled = redis.call('HGET', activity_key, 'state') == ACTIVITY_CANCELLED
local refund_reason = REASON_GROUP_FAILED
if activity_cancelled then refund_reason = REASON_ACTIVITY_CANCELLED end

-- The price a group with `paid` paid members settles at and the places granted without a buyer;
-- nil when the group fails.
local function settlement(paid)
  if activity_cancelled then return nil, 0 end
  local price = nil
  for _, tier in ipairs(tiers) do
    if paid >= tier.size then price = tier.price end
  end
  if price then return price, 0 end
  local missing = tiers[1].size - paid
  if paid > 0 and missing <= virtual_allowed then return tiers[1].price, missing end
  return nil, 0
end

local restocked = false
local function release(buyer, point)
  release_unit(activity_key, quota_key, buyer, point)
  restocked = true
end

-- Moves one member's order on; returns its refund entry, if money goes back, and whether the
-- order moved.
local function settle_member(group_id, buyer, order_id, price)
  local o = redis.call('HMGET', order_key(prefix, order_id), 'status', 'amount', 'paid_amount', 'point')
  local paid_amount = o[3] or o[2]
  if o[1] == ORDER_RESERVED then
    transition(prefix, order_id, ORDER_EXPIRED)
    redis.call('ZREM', pay_due_key, order_id)
    release(buyer, o[4])
    if price then
      -- A succeeded group lists only the members who paid.
      redis.call('HDEL', group_members_key(prefix, group_id), buyer)
      redis.call('HINCRBY', group_key(prefix, group_id), 'members', -1)
    end
  elseif o[1] == ORDER_PAID and price then
    transition(prefix, order_id, ORDER_SUCCEEDED, 'final_amount', price)
    open_pickup(prefix, activity_key, pickup_due_key, reminders_key, order_id, o[4])
    local refund_no = tier_refund_no(order_id)
    if tonumber(paid_amount) > price and request_once(order_key(prefix, order_id), refund_no) then
      return refund_entry(refund_no, order_id, tonumber(paid_amount) - price, REASON_TIER_PRICE, paid_amount), true
    end
  elseif o[1] == ORDER_PAID then
    local refund_no = full_refund_no(order_id)
    transition(prefix, order_id, ORDER_REFUNDING, 'refund_no', refund_no, 'final_amount', 0)
    release(buyer, o[4])
    return refund_entry(refund_no, order_id, o[2], refund_reason, paid_amount), true
  else
    return nil, false
  end
  return nil, true
end

local function settle(group_id)
  local group_hash = group_key(prefix, group_id)
  local price, virtual = settlement(tonumber(redis.call('HGET', group_hash, 'paid')))
  local status = price and GROUP_SUCCEEDED or GROUP_FAILED
  redis.call('HSET', group_hash, 'status', status, 'settled_at', now)
  if price then redis.call('HSET', group_hash, 'price', price, 'virtual', virtual) end
  redis.call('HINCRBY', group_hash, 'version', 1)
  redis.call('ZREM', open_key, group_id)
  local orders, refunds = {}, {}
  local members = redis.call('HGETALL', group_members_key(prefix, group_id))
  for i = 1, #members, 2 do
    local buyer, order_id = members[i], members[i + 1]
    local refund, moved = settle_member(group_id, buyer, order_id, price)
    if refund then refunds[#refunds + 1] = refund end
    if moved then orders[#orders + 1] = order_snapshot(prefix, order_id) end
  end
  -- cjson would encode an empty table as an object; leave the field out instead.
  if #orders == 0 then orders = nil end
  append_group_event(prefix, events_key, price and EVENT_GROUP_SUCCEEDED or EVENT_GROUP_FAILED,
    {at = now, orders = orders}, group_id, refunds)
end

local due = redis.call('ZRANGEBYSCORE', group_due_key, '-inf', now, 'LIMIT', 0, batch)
local settled = 0
for _, group_id in ipairs(due) do
  redis.call('ZREM', group_due_key, group_id)
  if redis.call('HGET', group_key(prefix, group_id), 'status') == GROUP_OPEN then
    settle(group_id)
    settled = settled + 1
  end
end
if restocked then
  redis.call('PUBLISH', restock_channel, activity_of(due[1]))
end
return settled
