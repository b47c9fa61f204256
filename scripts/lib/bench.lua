-- wrk script of scripts/bench. Arguments after `--`:
--   CASE ACTIVITY TOKENS_FILE THREADS CONNECTIONS [ACKED_FILE_PREFIX] [GROUP] [POINTS]
-- POINTS: pickup point ids, comma-separated, of an activity that delivers to them: every request
--   names one (skewed as at a real opening: half the buyers the first point, the rest spread evenly)
-- CASE: bare     GET of the bench's bare Reactor Netty server (any path, fixed body)
--       ceiling  GET the liveness endpoint (no Redis, no MySQL)
--       reserve  open / join / solo, 4:4:2, tokens in rotation; joiners take slots of groups
--                this thread opened (an opened group's id numbers after its order's)
--       soldout  the same requests against a sold-out activity; joins go to GROUP
--       spike    every token exactly once (open / join / solo, 4:4:2); a connection whose buyers
--                are all served asks for liveness instead; the thread stops once all its buyers
--                were answered and leaves ACKED_FILE_PREFIX<thread>.done;
--                acknowledged order ids go to ACKED_FILE_PREFIX<thread>
-- Prints one line: RESULT case=... requests=... rps=... p50_ms=... p99_ms=... p999_ms=...
--   errors=... (socket errors + answers other than 200/201/409) created=... refused=...
--   other_shard=... (of the refused, joins of a sharded activity's group in another bucket than the
--   buyer's: 409 GROUP_IN_OTHER_SHARD)
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- Per thread; globals, so done() can read the counters with thread:get.
local case, activity, tokens, acked, join_group, threads_total, per_thread, done_prefix
local slots, sent, mine, idle, finished = {}, 0, 0, 0, false
-- wrk calls request() once on thread 0 before the run, only to look at it: that call must not
-- use up a buyer.
local looked_at = false
bench_case = nil
created, refused, unexpected, answered, other_shard = 0, 0, 0, 0, 0

function init(args)
  case, activity = args[1], args[2]
  bench_case = case
  threads_total = tonumber(args[4])
  per_thread = math.ceil(tonumber(args[5]) / threads_total)
  join_group = args[7]
  if join_group == "" or join_group == "-" then join_group = nil end
  points = {}
  for point in string.gmatch(args[8] or "", "%d+") do table.insert(points, point) end
  tokens = {}
  local n = 0
  if args[3] and args[3] ~= "-" then
    for line in io.lines(args[3]) do
      if n % threads_total == id then table.insert(tokens, line) end
      n = n + 1
    end
  end
  mine = #tokens
  if case == "spike" then
    done_prefix = args[6]
    acked = io.open(done_prefix .. id, "w")
  end
end

local function post(path, token, i)
  if #points == 0 then
    return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token })
  end
  local point = points[1]
  if i % 2 == 1 then point = points[(math.floor(i / 2) % #points) + 1] end
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    '{"pickupPointId":' .. point .. '}')
end

local function buyer_request(i, token)
  local pick = i % 10
  if pick >= 4 and pick < 8 then
    local group = join_group
    if case ~= "soldout" then group = table.remove(slots) end
    if group then return post("/api/v1/groups/" .. group .. "/members", token, i) end
  elseif pick >= 8 then
    return post("/api/v1/activities/" .. activity .. "/orders", token, i)
  end
  return post("/api/v1/activities/" .. activity .. "/groups", token, i)
end

function request()
  if id == 0 and not looked_at then
    looked_at = true
    return wrk.format("GET", "/actuator/health/liveness")
  end
  if case == "ceiling" or case == "bare" then
    return wrk.format("GET", "/actuator/health/liveness")
  end
  sent = sent + 1
  if case == "spike" then
    if sent > mine then return wrk.format("GET", "/actuator/health/liveness") end
    return buyer_request(sent, tokens[sent])
  end
  return buyer_request(sent, tokens[(sent % mine) + 1])
end

function response(status, headers, body)
  if case == "spike" and status == 200 then
    idle = idle + 1
    -- Done when every buyer of this thread was answered; a buyer whose answer never came (a
    -- request lost with its connection) must not hold the run up: after many idle rounds on every
    -- connection, stop anyway (the buyer shows as missing in answered=).
    if (answered >= mine or idle >= 50 * per_thread) and not finished then
      finished = true
      -- wrk itself runs for its whole -d; scripts/bench interrupts it once every thread said so.
      io.open(done_prefix .. id .. ".done", "w"):close()
      wrk.thread:stop()
    end
    return
  end
  answered = answered + 1
  if status == 201 then
    created = created + 1
    local order_seq = tonumber(string.match(body, '"orderId":"%d+%-(%d+)"'))
    local group, group_seq = string.match(body, '"groupId":"(%d+%-(%d+))"')
    if case == "spike" then acked:write(string.match(body, '"orderId":"([%d%-]+)"'), "\n"); acked:flush() end
    if group and tonumber(group_seq) > order_seq then
      table.insert(slots, group)
      table.insert(slots, group)
    end
  elseif status == 409 then
    refused = refused + 1
    if string.find(body, "GROUP_IN_OTHER_SHARD", 1, true) then other_shard = other_shard + 1 end
  elseif status ~= 200 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local created, refused, unexpected, answered, other_shard = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    answered = answered + (tonumber(t:get("answered")) or 0)
    created = created + (tonumber(t:get("created")) or 0)
    refused = refused + (tonumber(t:get("refused")) or 0)
    unexpected = unexpected + (tonumber(t:get("unexpected")) or 0)
    other_shard = other_shard + (tonumber(t:get("other_shard")) or 0)
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + unexpected
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT case=%s requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d answered=%d created=%d refused=%d other_shard=%d\n",
    threads[1]:get("bench_case"), summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, errors, answered, created, refused, other_shard))
end
