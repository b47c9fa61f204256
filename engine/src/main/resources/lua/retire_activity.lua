-- Retires an activity that is over: once it has ended (or was cancelled), has no payment or group
-- deadline left (payment, group, pickup window, reminder), every order and group is settled and its stream is fully relayed, every key of
-- the activity gets a TTL of `retain` seconds, after which the views answer from MySQL.
--
-- Orders and groups are many, so the work is done in bounded batches over the activity's id range
-- (sequence 1..seq, each id an order or a group), one batch per call, keeping its place in the
-- retirement hash: first CHECKING every order and group, then EXPIRING their keys, then the fixed
-- keys. Every change to an order or a group appends to the stream, so the stream's last id, noted
-- when checking began, proves between calls that nothing checked has changed since; when it moved,
-- checking starts again. The caller removes the activity from the warm set on RETIRED (that set
-- lives in another cluster slot).
--
-- KEYS[1] activity hash   KEYS[2] quota   KEYS[3] payment deadlines   KEYS[4] group deadlines
-- KEYS[5] open groups   KEYS[6] events   KEYS[7] stock changes   KEYS[8] retirement hash
-- KEYS[9] pickup windows' ends   KEYS[10] pickup reminders   KEYS[11] transfers_out   KEYS[12] transfers_in
-- (a bucket's; an activity that is not sharded has neither)
-- ARGV[1] prefix   ARGV[2] now (ms)   ARGV[3] relay group   ARGV[4] retain (s)   ARGV[5] batch
--
-- Reply, one string: NOT_FOUND | NOT_ENDED | DEADLINES_PENDING | TRANSFERS_PENDING | NOT_RELAYED | CHANGED | UNSETTLED
-- | CHECKING | CHECKED | EXPIRING | RETIRED | ALREADY_RETIRED. CHECKING, CHECKED and EXPIRING mean
-- "call again".
local activity_key, quota_key, pay_due_key = KEYS[1], KEYS[2], KEYS[3]
local group_due_key, open_key, events_key = KEYS[4], KEYS[5], KEYS[6]
local stock_changes_key, retirement_key = KEYS[7], KEYS[8]
local pickup_due_key, reminders_key = KEYS[9], KEYS[10]
local transfers_out_key, transfers_in_key = KEYS[11], KEYS[12]
local prefix, now, relay_group = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local retain, batch = tonumber(ARGV[4]), tonumber(ARGV[5])

local a = redis.call('HMGET', activity_key, 'activity_id', 'ends_at', 'state', 'seq')
if not a[1] then return 'NOT_FOUND' end
local activity_id, ends_at, state, seq = a[1], tonumber(a[2]), a[3], tonumber(a[4] or 0)

local r = redis.call('HMGET', retirement_key, 'phase', 'cursor', 'stream_id')
if r[1] == 'RETIRED' then return 'ALREADY_RETIRED' end
if now < ends_at and state ~= ACTIVITY_CANCELLED then return 'NOT_ENDED' end

-- Not retirable now: forget any progress, so checking starts afresh next time.
local function not_yet(outcome)
  redis.call('DEL', retirement_key)
  return outcome
end

-- Pickup windows still to end and reminders still to send are deadlines too.
if redis.call('ZCARD', pay_due_key) + redis.call('ZCARD', group_due_key) + redis.call('ZCARD', pickup_due_key)
    + redis.call('ZCARD', reminders_key) > 0 then
  return not_yet('DEADLINES_PENDING')
end

-- A bucket of a sharded activity that gave units still in flight (take_stock recorded them, no
-- give_stock has landed yet) waits: ActivityRetirement finishes its transfers first.
if redis.call('EXISTS', transfers_out_key) == 1 then return not_yet('TRANSFERS_PENDING') end

local last_id = '0-0'
if redis.call('EXISTS', events_key) == 1 then
  -- The relay deletes an entry once the broker confirmed it and acknowledges it before that.
  if redis.call('XLEN', events_key) > 0 then return not_yet('NOT_RELAYED') end
  local ok, pending = pcall(redis.call, 'XPENDING', events_key, relay_group)
  if not ok or tonumber(pending[1]) > 0 then return not_yet('NOT_RELAYED') end
  local info = redis.call('XINFO', 'STREAM', events_key)
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last_id = info[i + 1] end
  end
end
if r[3] and r[3] ~= last_id then return not_yet('CHANGED') end

local UNSETTLED_ORDER = {[ORDER_RESERVED] = true, [ORDER_PAID] = true, [ORDER_REFUNDING] = true}

-- Settled: a final state, and no other refund still waiting for the gateway's confirmation. A
-- SUCCEEDED order with a pickup point is still to be handed out (collectable), so not settled;
-- PICKED_UP and OVERDUE (left to a person) are.
local function settled(id)
  local o = redis.call('HGETALL', order_key(prefix, id))
  local status, point = nil, nil
  for i = 1, #o, 2 do
    local field, value = o[i], o[i + 1]
    if field == 'status' then status = value end
    if field == 'point' then point = value end
    if field == 'status' and UNSETTLED_ORDER[value] then return false end
    if string.sub(field, 1, 7) == 'refund:' and value == RETURNED_REQUESTED then return false end
  end
  if status == ORDER_SUCCEEDED and point and point ~= '' then return false end
  return redis.call('HGET', group_key(prefix, id), 'status') ~= GROUP_OPEN
end

local phase, cursor = r[1] or 'CHECKING', tonumber(r[2] or 0)
local last = math.min(seq, cursor + batch)

if phase == 'CHECKING' then
  for s = cursor + 1, last do
    if not settled(child_id(activity_id, s)) then return not_yet('UNSETTLED') end
  end
  if last < seq then
    redis.call('HSET', retirement_key, 'phase', 'CHECKING', 'cursor', last, 'stream_id', last_id)
    return 'CHECKING'
  end
  redis.call('HSET', retirement_key, 'phase', 'EXPIRING', 'cursor', 0, 'stream_id', last_id)
  return 'CHECKED'
end

for s = cursor + 1, last do
  local id = child_id(activity_id, s)
  redis.call('EXPIRE', order_key(prefix, id), retain)
  redis.call('EXPIRE', group_key(prefix, id), retain)
  redis.call('EXPIRE', group_members_key(prefix, id), retain)
end
if last < seq then
  redis.call('HSET', retirement_key, 'cursor', last)
  return 'EXPIRING'
end
for _, key in ipairs({activity_key, quota_key, pay_due_key, group_due_key, open_key, events_key, pickup_due_key,
    reminders_key, transfers_in_key}) do
  redis.call('EXPIRE', key, retain)
end
-- Remembered stock changes already expire on their own, sooner.
if redis.call('PTTL', stock_changes_key) == -1 then redis.call('EXPIRE', stock_changes_key, retain) end
redis.call('HSET', retirement_key, 'phase', 'RETIRED', 'cursor', seq, 'retired_at', now)
redis.call('EXPIRE', retirement_key, retain)
return 'RETIRED'
