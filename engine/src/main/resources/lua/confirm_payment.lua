-- Records a confirmed payment for an order: RESERVED -> PAID (a solo order goes on to SUCCEEDED).
-- When the payment completes its group (paid members = size, the largest tier for TIERED), the
-- group and all its orders become SUCCEEDED in the same step, unless the activity is cancelled,
-- at the price of the tier reached: a member who paid more gets the difference back (refund
-- number tier_refund_no, 'RD' .. order id, once). A payment for an order that already expired is
-- accepted and sent back: the order goes to REFUNDING with its full refund number ('RF' .. order id).
-- A notification repeated for the same transaction changes nothing. A second transaction for a
-- paid order, or a payment of the wrong amount, is refunded (returned_payment_no, 'RF' .. transaction).
--
-- KEYS[1] activity hash   KEYS[2] payment deadlines (zset)   KEYS[3] group deadlines (zset)
-- KEYS[4] open groups with free slots (zset)                 KEYS[5] event stream
-- KEYS[6] retirement hash (retire_activity.lua's place)
-- KEYS[7] pickup windows' ends (zset)   KEYS[8] pickup reminders (zset): an order with a pickup point
--         that becomes SUCCEEDED gets its window, its roll-over timer and its reminders (open_pickup)
-- ARGV[1] key prefix (order and group keys derive from it)   ARGV[2] order id   ARGV[3] transaction id
-- ARGV[4] amount paid (fen)   ARGV[5] now (epoch ms)
-- Returns {outcome, order status}; outcome is one of PAID, GROUP_SUCCEEDED, LATE_REFUND,
-- DUPLICATE, NOT_FOUND (also for every order of a retired activity, and while the activity hash is absent), AMOUNT_MISMATCH, OTHER_TRANSACTION.
local activity_key, pay_due_key, group_due_key, open_key, events_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local retirement_key, pickup_due_key, reminders_key = KEYS[6], KEYS[7], KEYS[8]
local prefix, order_id, tx, paid_amount, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])

-- A retired activity's stream is no longer relayed, so nothing may be appended to it: its keys
-- answer as if already gone, and the caller settles the money as for an order it does not hold.
if redis.call('HGET', retirement_key, 'phase') == 'RETIRED' then return {'NOT_FOUND', ''} end
-- No activity hash: Redis lost the activity and it is being rebuilt from MySQL (rebuild_activity.lua
-- writes its orders before the hash). The money waits: the caller asks the gateway to report it again.
if redis.call('EXISTS', activity_key) == 0 then return {'NOT_FOUND', ''} end

local order_hash = order_key(prefix, order_id)
local o = redis.call('HMGET', order_hash, 'status', 'buyer', 'group', 'amount', 'pay_by', 'tx', 'point')
if not o[1] then return {'NOT_FOUND', ''} end
local status, buyer, group_id, amount, pay_by, known_tx = o[1], o[2], o[3], o[4], tonumber(o[5]), o[6]
local point = o[7]

-- Money that cannot settle the order (a second payment, a wrong amount) is sent back, once per
-- transaction: the refund number derives from the transaction, not from the order.
local function return_payment(outcome, reason)
  local refund_no = returned_payment_no(tx)
  if request_once(order_hash, refund_no) then
    append(events_key, EVENT_REFUND_REQUESTED,
      {at = now, refunds = {refund_entry(refund_no, order_id, paid_amount, reason, paid_amount)}})
  end
  return {outcome, status}
end

if known_tx then
  if known_tx == tx then return {'DUPLICATE', status} end
  return return_payment('OTHER_TRANSACTION', REASON_DUPLICATE_PAYMENT)
end
if tonumber(paid_amount) ~= tonumber(amount) then return return_payment('AMOUNT_MISMATCH', REASON_WRONG_AMOUNT) end

if status ~= ORDER_RESERVED and status ~= ORDER_EXPIRED then
  -- Settled through another path without a recorded transaction: keep the record as it is.
  return {'DUPLICATE', status}
end
redis.call('HSET', order_hash, 'tx', tx, 'paid_at', now, 'paid_amount', paid_amount)

if status == ORDER_EXPIRED then
  local refund_no = full_refund_no(order_id)
  transition(prefix, order_id, ORDER_REFUNDING, 'refund_no', refund_no, 'final_amount', 0)
  append_with_refunds(events_key, EVENT_PAYMENT_CONFIRMED,
    {at = now, tx = tx, paidOrder = order_id, orders = {order_snapshot(prefix, order_id)}, group = cjson.null},
    {refund_entry(refund_no, order_id, amount, REASON_LATE_PAYMENT, amount)})
  return {'LATE_REFUND', ORDER_REFUNDING}
end

redis.call('ZREM', pay_due_key, order_id)

if group_id == '' then
  transition(prefix, order_id, ORDER_SUCCEEDED, 'final_amount', amount)
  open_pickup(prefix, activity_key, pickup_due_key, reminders_key, order_id, point)
  append(events_key, EVENT_PAYMENT_CONFIRMED,
    {at = now, tx = tx, paidOrder = order_id, orders = {order_snapshot(prefix, order_id)}, group = cjson.null})
  return {'PAID', ORDER_SUCCEEDED}
end

transition(prefix, order_id, ORDER_PAID)
local group_hash = group_key(prefix, group_id)
local paid = redis.call('HINCRBY', group_hash, 'paid', 1)
redis.call('HINCRBY', group_hash, 'version', 1)
local size = tonumber(redis.call('HGET', group_hash, 'size'))

-- The price of the highest tier the paid members reached; an activity without tiers has one.
local function tier_price()
  local a = redis.call('HMGET', activity_key, 'tiers', 'group_price')
  local price = tonumber(a[2])
  for step_size, step_price in string.gmatch(a[1] or '', '(%d+):(%d+)') do
    if paid >= tonumber(step_size) then price = tonumber(step_price) end
  end
  return price
end

local outcome, event_type, orders, refunds = 'PAID', EVENT_PAYMENT_CONFIRMED, {}, {}
-- A cancelled activity's group never succeeds (contract 3): a payment that arrives after the
-- cancellation, before the sweeper failed the group, leaves it open and due, so it fails and
-- refunds this payment with the others.
local activity_cancelled = redis.call('HGET', activity_key, 'state') == ACTIVITY_CANCELLED
if paid >= size and not activity_cancelled then
  outcome, event_type = 'GROUP_SUCCEEDED', EVENT_GROUP_SUCCEEDED
  local price = tier_price()
  redis.call('HSET', group_hash, 'status', GROUP_SUCCEEDED, 'settled_at', now, 'price', price, 'virtual', 0)
  redis.call('ZREM', group_due_key, group_id)
  redis.call('ZREM', open_key, group_id)
  local members = redis.call('HVALS', group_members_key(prefix, group_id))
  for _, member_order in ipairs(members) do
    local member_hash = order_key(prefix, member_order)
    local m = redis.call('HMGET', member_hash, 'status', 'amount', 'point')
    if m[1] == ORDER_PAID then
      transition(prefix, member_order, ORDER_SUCCEEDED, 'final_amount', price)
      open_pickup(prefix, activity_key, pickup_due_key, reminders_key, member_order, m[3])
      local difference = tonumber(m[2]) - price
      local refund_no = tier_refund_no(member_order)
      if difference > 0 and request_once(member_hash, refund_no) then
        refunds[#refunds + 1] = refund_entry(refund_no, member_order, difference, REASON_TIER_PRICE, m[2])
      end
    end
    orders[#orders + 1] = order_snapshot(prefix, member_order)
  end
else
  orders[1] = order_snapshot(prefix, order_id)
end

append_group_event(prefix, events_key, event_type, {at = now, tx = tx, paidOrder = order_id, orders = orders},
  group_id, refunds)
return {outcome, redis.call('HGET', order_hash, 'status')}
