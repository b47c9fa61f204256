-- Records a refund the payment gateway confirmed: REFUNDING -> REFUNDED. Repeats change nothing.
--
-- KEYS[1] event stream
-- ARGV[1] key prefix   ARGV[2] order id   ARGV[3] refund number   ARGV[4] now (epoch ms)
-- Returns one of REFUNDED, DUPLICATE, NOT_FOUND, UNKNOWN_REFUND.
local events_key = KEYS[1]
local prefix, order_id, refund_no, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local order_key = prefix .. 'o:' .. order_id
local o = redis.call('HMGET', order_key, 'status', 'buyer', 'group', 'amount', 'pay_by', 'refund_no')
if not o[1] then return 'NOT_FOUND' end

-- A refund of money that never settled the order (second payment, wrong amount): the order's
-- own status stays as it is.
local returned_key = 'refund:' .. refund_no
local returned = redis.call('HGET', order_key, returned_key)
if returned == 'CONFIRMED' then return 'DUPLICATE' end
if returned == 'REQUESTED' then
  redis.call('HSET', order_key, returned_key, 'CONFIRMED')
  local order = {id = order_id, activityId = string.match(order_id, '^(%d+)-'), groupId = o[3],
    buyerId = o[2], status = o[1], amount = tonumber(o[4]), payBy = tonumber(o[5]),
    version = tonumber(redis.call('HGET', order_key, 'version'))}
  redis.call('XADD', events_key, '*', 'type', 'RefundConfirmed',
    'data', cjson.encode({at = now, refundNo = refund_no, orders = {order}, group = cjson.null}))
  return 'REFUNDED'
end

if o[6] ~= refund_no then return 'UNKNOWN_REFUND' end
if o[1] == 'REFUNDED' then return 'DUPLICATE' end
if o[1] ~= 'REFUNDING' then return 'UNKNOWN_REFUND' end

redis.call('HSET', order_key, 'status', 'REFUNDED', 'refunded_at', now)
local version = redis.call('HINCRBY', order_key, 'version', 1)
local order = {id = order_id, activityId = string.match(order_id, '^(%d+)-'), groupId = o[3],
  buyerId = o[2], status = 'REFUNDED', amount = tonumber(o[4]), payBy = tonumber(o[5]), version = version}
redis.call('XADD', events_key, '*', 'type', 'RefundConfirmed',
  'data', cjson.encode({at = now, refundNo = refund_no, orders = {order}, group = cjson.null}))
return 'REFUNDED'
