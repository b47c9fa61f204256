-- Records a refund the payment gateway confirmed: REFUNDING -> REFUNDED. Repeats change nothing.
-- A partial refund (refund number 'RD' .. order id: the difference a tiered group's member paid
-- above the tier reached) leaves the order SUCCEEDED and records the refunded amount.
--
-- KEYS[1] event stream
-- ARGV[1] key prefix   ARGV[2] order id   ARGV[3] refund number   ARGV[4] now (epoch ms)
-- Returns one of REFUNDED, DUPLICATE, NOT_FOUND, UNKNOWN_REFUND.
local events_key = KEYS[1]
local prefix, order_id, refund_no, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local order_key = prefix .. 'o:' .. order_id
local o = redis.call('HMGET', order_key, 'status', 'buyer', 'group', 'amount', 'pay_by', 'refund_no',
  'paid_amount', 'final_amount')
if not o[1] then return 'NOT_FOUND' end

local function confirmed(version)
  local a = redis.call('HMGET', order_key, 'status', 'paid_amount', 'final_amount', 'refunded_amount')
  local order = {id = order_id, activityId = string.match(order_id, '^(%d+)-'), groupId = o[3],
    buyerId = o[2], status = a[1], amount = tonumber(o[4]), payBy = tonumber(o[5]), version = tonumber(version),
    paidAmount = tonumber(a[2]), finalAmount = tonumber(a[3]), refundedAmount = tonumber(a[4])}
  redis.call('XADD', events_key, '*', 'type', 'RefundConfirmed',
    'data', cjson.encode({at = now, refundNo = refund_no, orders = {order}, group = cjson.null}))
  return 'REFUNDED'
end

-- A refund of money that never settled the order (second payment, wrong amount) leaves the
-- order as it is; a tier difference is recorded as the order's refunded amount.
local returned_key = 'refund:' .. refund_no
local returned = redis.call('HGET', order_key, returned_key)
if returned == 'CONFIRMED' then return 'DUPLICATE' end
if returned == 'REQUESTED' then
  redis.call('HSET', order_key, returned_key, 'CONFIRMED')
  if refund_no == 'RD' .. order_id then
    redis.call('HSET', order_key, 'refunded_amount', tonumber(o[7]) - tonumber(o[8]), 'refunded_at', now)
    return confirmed(redis.call('HINCRBY', order_key, 'version', 1))
  end
  return confirmed(redis.call('HGET', order_key, 'version'))
end

if o[6] ~= refund_no then return 'UNKNOWN_REFUND' end
if o[1] == 'REFUNDED' then return 'DUPLICATE' end
if o[1] ~= 'REFUNDING' then return 'UNKNOWN_REFUND' end

redis.call('HSET', order_key, 'status', 'REFUNDED', 'refunded_at', now, 'refunded_amount', o[7] or o[4])
return confirmed(redis.call('HINCRBY', order_key, 'version', 1))
