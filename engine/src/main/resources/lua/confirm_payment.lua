-- Records a confirmed payment for an order: RESERVED -> PAID (a solo order goes on to SUCCEEDED).
-- When the payment completes its group (paid members = size, the largest tier for TIERED), the
-- group and all its orders become SUCCEEDED in the same step, unless the activity is cancelled,
-- at the price of the tier reached: a member who paid more gets the difference back (refund
-- number 'RD' .. order id, once). A payment for an order that already expired is accepted and sent
-- back: the order goes to REFUNDING with a deterministic refund number.
-- A notification repeated for the same transaction changes nothing. A second transaction for a
-- paid order, or a payment of the wrong amount, is refunded (refund number 'RF' .. transaction).
--
-- KEYS[1] payment deadlines (zset)   KEYS[2] group deadlines (zset)   KEYS[3] event stream
-- ARGV[1] key prefix   ARGV[2] order id   ARGV[3] transaction id   ARGV[4] amount paid (fen)
-- ARGV[5] now (epoch ms)
-- Returns {outcome, order status}; outcome is one of PAID, GROUP_SUCCEEDED, LATE_REFUND,
-- DUPLICATE, NOT_FOUND, AMOUNT_MISMATCH, OTHER_TRANSACTION.
local pay_due_key, group_due_key, events_key = KEYS[1], KEYS[2], KEYS[3]
local prefix, order_id, tx, paid_amount, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])

local order_key = prefix .. 'o:' .. order_id
local o = redis.call('HMGET', order_key, 'status', 'buyer', 'group', 'amount', 'pay_by', 'tx')
if not o[1] then return {'NOT_FOUND', ''} end
local status, buyer, group_id, amount, pay_by, known_tx = o[1], o[2], o[3], o[4], tonumber(o[5]), o[6]

-- Money that cannot settle the order (a second payment, a wrong amount) is sent back, once per
-- transaction: the refund number derives from the transaction, not from the order.
local function return_payment(outcome, reason)
  local refund_no = 'RF' .. tx
  if redis.call('HSETNX', order_key, 'refund:' .. refund_no, 'REQUESTED') == 1 then
    redis.call('XADD', events_key, '*', 'type', 'RefundRequested',
      'data', cjson.encode({at = now, refunds = {{refundNo = refund_no, orderId = order_id,
        amount = tonumber(paid_amount), reason = reason, total = tonumber(paid_amount)}}}))
  end
  return {outcome, status}
end

if known_tx then
  if known_tx == tx then return {'DUPLICATE', status} end
  return return_payment('OTHER_TRANSACTION', 'DUPLICATE_PAYMENT')
end
if tonumber(paid_amount) ~= tonumber(amount) then return return_payment('AMOUNT_MISMATCH', 'WRONG_AMOUNT') end

local activity_id = string.match(order_id, '^(%d+)-')

local function order_snapshot(id)
  local s = redis.call('HMGET', prefix .. 'o:' .. id, 'status', 'buyer', 'group', 'amount', 'pay_by', 'version',
    'paid_amount', 'final_amount', 'refunded_amount')
  return {id = id, activityId = activity_id, groupId = s[3], buyerId = s[2], status = s[1],
    amount = tonumber(s[4]), payBy = tonumber(s[5]), version = tonumber(s[6]),
    paidAmount = tonumber(s[7]), finalAmount = tonumber(s[8]), refundedAmount = tonumber(s[9])}
end

local function transition(id, to)
  local key = prefix .. 'o:' .. id
  redis.call('HSET', key, 'status', to)
  redis.call('HINCRBY', key, 'version', 1)
end

if status ~= 'RESERVED' and status ~= 'EXPIRED' then
  -- Settled through another path without a recorded transaction: keep the record as it is.
  return {'DUPLICATE', status}
end
redis.call('HSET', order_key, 'tx', tx, 'paid_at', now, 'paid_amount', paid_amount)

if status == 'EXPIRED' then
  local refund_no = 'RF' .. order_id
  redis.call('HSET', order_key, 'refund_no', refund_no, 'final_amount', 0)
  transition(order_id, 'REFUNDING')
  local snapshot = order_snapshot(order_id)
  redis.call('XADD', events_key, '*', 'type', 'PaymentConfirmed',
    'data', cjson.encode({at = now, tx = tx, paidOrder = order_id, orders = {snapshot}, group = cjson.null}))
  redis.call('XADD', events_key, '*', 'type', 'RefundRequested',
    'data', cjson.encode({at = now, refunds = {{refundNo = refund_no, orderId = order_id,
      amount = tonumber(amount), reason = 'LATE_PAYMENT', total = tonumber(amount)}}}))
  return {'LATE_REFUND', 'REFUNDING'}
end

redis.call('ZREM', pay_due_key, order_id)

if group_id == '' then
  redis.call('HSET', order_key, 'final_amount', amount)
  transition(order_id, 'SUCCEEDED')
  redis.call('XADD', events_key, '*', 'type', 'PaymentConfirmed',
    'data', cjson.encode({at = now, tx = tx, paidOrder = order_id, orders = {order_snapshot(order_id)}, group = cjson.null}))
  return {'PAID', 'SUCCEEDED'}
end

transition(order_id, 'PAID')
local group_key = prefix .. 'g:' .. group_id
local paid = redis.call('HINCRBY', group_key, 'paid', 1)
redis.call('HINCRBY', group_key, 'version', 1)
local size = tonumber(redis.call('HGET', group_key, 'size'))

-- The price of the highest tier the paid members reached; an activity without tiers has one.
local function tier_price()
  local a = redis.call('HMGET', prefix .. 'activity', 'tiers', 'group_price')
  local price = tonumber(a[2])
  for step_size, step_price in string.gmatch(a[1] or '', '(%d+):(%d+)') do
    if paid >= tonumber(step_size) then price = tonumber(step_price) end
  end
  return price
end

local outcome, event_type, orders, refunds = 'PAID', 'PaymentConfirmed', {}, {}
-- A cancelled activity's group never succeeds (contract 3): a payment that arrives after the
-- cancellation, before the sweeper failed the group, leaves it open and due, so it fails and
-- refunds this payment with the others.
local activity_cancelled = redis.call('HGET', prefix .. 'activity', 'state') == 'CANCELLED'
if paid >= size and not activity_cancelled then
  outcome, event_type = 'GROUP_SUCCEEDED', 'GroupSucceeded'
  local price = tier_price()
  redis.call('HSET', group_key, 'status', 'SUCCEEDED', 'settled_at', now, 'price', price, 'virtual', 0)
  redis.call('ZREM', group_due_key, group_id)
  redis.call('ZREM', prefix .. 'open', group_id)
  local members = redis.call('HVALS', group_key .. ':members')
  for _, member_order in ipairs(members) do
    local member_key = prefix .. 'o:' .. member_order
    local m = redis.call('HMGET', member_key, 'status', 'amount')
    if m[1] == 'PAID' then
      redis.call('HSET', member_key, 'final_amount', price)
      transition(member_order, 'SUCCEEDED')
      local difference = tonumber(m[2]) - price
      if difference > 0 and redis.call('HSETNX', member_key, 'refund:RD' .. member_order, 'REQUESTED') == 1 then
        refunds[#refunds + 1] = {refundNo = 'RD' .. member_order, orderId = member_order, amount = difference,
          reason = 'TIER_PRICE', total = tonumber(m[2])}
      end
    end
    orders[#orders + 1] = order_snapshot(member_order)
  end
else
  orders[1] = order_snapshot(order_id)
end

local g = redis.call('HMGET', group_key, 'status', 'size', 'members', 'paid', 'deadline', 'version', 'leader',
  'virtual', 'price')
local group = {id = group_id, activityId = activity_id, status = g[1], size = tonumber(g[2]),
  members = tonumber(g[3]), paid = tonumber(g[4]), deadline = tonumber(g[5]),
  version = tonumber(g[6]), leader = g[7], virtualMembers = tonumber(g[8]), price = tonumber(g[9])}
redis.call('XADD', events_key, '*', 'type', event_type,
  'data', cjson.encode({at = now, tx = tx, paidOrder = order_id, orders = orders, group = group}))
if #refunds > 0 then
  redis.call('XADD', events_key, '*', 'type', 'RefundRequested', 'data', cjson.encode({at = now, refunds = refunds}))
end
return {outcome, redis.call('HGET', order_key, 'status')}
