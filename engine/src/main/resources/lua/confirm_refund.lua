-- Records a refund the payment gateway confirmed: REFUNDING -> REFUNDED. Repeats change nothing.
-- A partial refund (tier_refund_no, 'RD' .. order id: the difference a tiered group's member paid
-- above the tier reached) leaves the order SUCCEEDED and records the refunded amount.
--
-- KEYS[1] event stream
-- ARGV[1] key prefix (the order's key derives from it)   ARGV[2] order id   ARGV[3] refund number
-- ARGV[4] now (epoch ms)
-- Returns one of REFUNDED, DUPLICATE, NOT_FOUND, UNKNOWN_REFUND.
local events_key = KEYS[1]
local prefix, order_id, refund_no, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local order_hash = order_key(prefix, order_id)
local o = redis.call('HMGET', order_hash, 'status', 'buyer', 'group', 'amount', 'pay_by', 'refund_no',
  'paid_amount', 'final_amount')
if not o[1] then return 'NOT_FOUND' end

local function confirmed()
  append(events_key, EVENT_REFUND_CONFIRMED,
    {at = now, refundNo = refund_no, orders = {order_snapshot(prefix, order_id)}, group = cjson.null})
  return 'REFUNDED'
end

-- A refund of money that never settled the order (second payment, wrong amount) leaves the
-- order as it is; a tier difference is recorded as the order's refunded amount.
local returned = redis.call('HGET', order_hash, returned_field(refund_no))
if returned == RETURNED_CONFIRMED then return 'DUPLICATE' end
if returned == RETURNED_REQUESTED then
  redis.call('HSET', order_hash, returned_field(refund_no), RETURNED_CONFIRMED)
  if refund_no == tier_refund_no(order_id) then
    touch(prefix, order_id, 'refunded_amount', tonumber(o[7]) - tonumber(o[8]), 'refunded_at', now)
  end
  return confirmed()
end

if o[6] ~= refund_no then return 'UNKNOWN_REFUND' end
if o[1] == ORDER_REFUNDED then return 'DUPLICATE' end
if o[1] ~= ORDER_REFUNDING then return 'UNKNOWN_REFUND' end

transition(prefix, order_id, ORDER_REFUNDED, 'refunded_at', now, 'refunded_amount', o[7] or o[4])
return confirmed()
