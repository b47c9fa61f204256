-- Settles the groups whose deadline has passed and that are still open. A group succeeds when its
-- paid members reach the smallest tier (an activity without tiers has one: group_size at
-- group_price), at the price of the highest tier reached; or, with virtual success, when it is at
-- most virtual_missing paid members short of the smallest tier (at least one member paid): the
-- missing places are recorded on the group as 'virtual' and take no stock. On success unpaid
-- members expire and paid members become SUCCEEDED; whoever paid more than the settled price gets
-- the difference back (refund number 'RD' .. order id, requested once).
-- Otherwise the group fails: unpaid members expire, paid members go to REFUNDING with a
-- deterministic refund number. Every unit not sold goes back on sale.
-- ZREM decides which caller owns an entry, so several sweepers can run at once.
--
-- KEYS[1] activity hash   KEYS[2] quota hash   KEYS[3] payment deadlines (zset)
-- KEYS[4] group deadlines (zset)   KEYS[5] event stream
-- ARGV[1] key prefix   ARGV[2] now (epoch ms)   ARGV[3] most groups to take
-- ARGV[4] restock channel: when units came back, the activity id is published there once, so
--         instances that knew the activity sold out serve it again at once
-- Returns the number of groups settled (failed or succeeded).
local activity_key, quota_key, pay_due_key, group_due_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix, now, batch, restock_channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local a = redis.call('HMGET', activity_key, 'group_size', 'group_price', 'tiers', 'virtual_missing')
local tiers = {}
for size, price in string.gmatch(a[3] or '', '(%d+):(%d+)') do
  tiers[#tiers + 1] = {size = tonumber(size), price = tonumber(price)}
end
if #tiers == 0 then tiers[1] = {size = tonumber(a[1]), price = tonumber(a[2])} end
local virtual_allowed = tonumber(a[4] or '0')

-- Every group of a cancelled activity fails, whatever its mode; its refunds say why.
local activity_cancelled = redis.call('HGET', activity_key, 'state') == 'CANCELLED'
local refund_reason = 'GROUP_FAILED'
if activity_cancelled then refund_reason = 'ACTIVITY_CANCELLED' end

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

-- The unit and the buyer's quota come back.
local restocked = false
local function release(buyer)
  redis.call('HINCRBY', activity_key, 'stock', 1)
  restocked = true
  if redis.call('HINCRBY', quota_key, buyer, -1) <= 0 then
    redis.call('HDEL', quota_key, buyer)
  end
end

local function order_snapshot(order_id, group_id, buyer)
  local o = redis.call('HMGET', prefix .. 'o:' .. order_id, 'status', 'amount', 'pay_by', 'version',
    'paid_amount', 'final_amount', 'refunded_amount')
  return {id = order_id, activityId = string.match(order_id, '^(%d+)-'), groupId = group_id, buyerId = buyer,
    status = o[1], amount = tonumber(o[2]), payBy = tonumber(o[3]), version = tonumber(o[4]),
    paidAmount = tonumber(o[5]), finalAmount = tonumber(o[6]), refundedAmount = tonumber(o[7])}
end

local function transition(order_key, to, ...)
  redis.call('HSET', order_key, 'status', to, ...)
  redis.call('HINCRBY', order_key, 'version', 1)
end

-- Moves one member's order on; returns its refund entry, if money goes back.
local function settle_member(group_key, buyer, order_id, price)
  local order_key = prefix .. 'o:' .. order_id
  local o = redis.call('HMGET', order_key, 'status', 'amount', 'paid_amount')
  local amount = tonumber(o[2])
  if o[1] == 'RESERVED' then
    transition(order_key, 'EXPIRED')
    redis.call('ZREM', pay_due_key, order_id)
    release(buyer)
    if price then
      -- A succeeded group lists only the members who paid.
      redis.call('HDEL', group_key .. ':members', buyer)
      redis.call('HINCRBY', group_key, 'members', -1)
    end
  elseif o[1] == 'PAID' and price then
    transition(order_key, 'SUCCEEDED', 'final_amount', price)
    local paid_amount = tonumber(o[3] or o[2])
    if paid_amount > price and redis.call('HSETNX', order_key, 'refund:RD' .. order_id, 'REQUESTED') == 1 then
      return {refundNo = 'RD' .. order_id, orderId = order_id, amount = paid_amount - price,
        reason = 'TIER_PRICE', total = paid_amount}
    end
  elseif o[1] == 'PAID' then
    local refund_no = 'RF' .. order_id
    transition(order_key, 'REFUNDING', 'refund_no', refund_no, 'final_amount', 0)
    release(buyer)
    return {refundNo = refund_no, orderId = order_id, amount = amount, reason = refund_reason,
      total = tonumber(o[3] or o[2])}
  else
    return nil, false
  end
  return nil, true
end

local function settle(group_id, group_key)
  local activity_id = string.match(group_id, '^(%d+)-')
  local price, virtual = settlement(tonumber(redis.call('HGET', group_key, 'paid')))
  local status = price and 'SUCCEEDED' or 'FAILED'
  redis.call('HSET', group_key, 'status', status, 'settled_at', now)
  if price then redis.call('HSET', group_key, 'price', price, 'virtual', virtual) end
  redis.call('HINCRBY', group_key, 'version', 1)
  redis.call('ZREM', prefix .. 'open', group_id)
  local orders, refunds = {}, {}
  local members = redis.call('HGETALL', group_key .. ':members')
  for i = 1, #members, 2 do
    local buyer, order_id = members[i], members[i + 1]
    local refund, moved = settle_member(group_key, buyer, order_id, price)
    if refund then refunds[#refunds + 1] = refund end
    if refund or moved then orders[#orders + 1] = order_snapshot(order_id, group_id, buyer) end
  end
  local g = redis.call('HMGET', group_key, 'status', 'size', 'members', 'paid', 'deadline', 'version', 'leader',
    'virtual', 'price')
  local group = {id = group_id, activityId = activity_id, status = g[1], size = tonumber(g[2]),
    members = tonumber(g[3]), paid = tonumber(g[4]), deadline = tonumber(g[5]),
    version = tonumber(g[6]), leader = g[7], virtualMembers = tonumber(g[8]), price = tonumber(g[9])}
  -- cjson would encode an empty table as an object; leave the field out instead.
  if #orders == 0 then orders = nil end
  redis.call('XADD', events_key, '*', 'type', price and 'GroupSucceeded' or 'GroupFailed',
    'data', cjson.encode({at = now, orders = orders, group = group}))
  if #refunds > 0 then
    redis.call('XADD', events_key, '*', 'type', 'RefundRequested',
      'data', cjson.encode({at = now, refunds = refunds}))
  end
end

local due = redis.call('ZRANGEBYSCORE', group_due_key, '-inf', now, 'LIMIT', 0, batch)
local settled = 0
for _, group_id in ipairs(due) do
  redis.call('ZREM', group_due_key, group_id)
  local group_key = prefix .. 'g:' .. group_id
  if redis.call('HGET', group_key, 'status') == 'OPEN' then
    settle(group_id, group_key)
    settled = settled + 1
  end
end
if restocked then
  redis.call('PUBLISH', restock_channel, string.match(due[1], '^(%d+)-'))
end
return settled
