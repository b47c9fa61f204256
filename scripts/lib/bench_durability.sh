# shellcheck shell=bash
# scripts/bench --durability: what keeping Redis' acknowledgements costs, and what Redis keeps.
# Source after services.sh and app.sh, from scripts/bench (which defines run_wrk, activity,
# field, rounds, seconds, work and run_id).
#
# For each Redis setting the application runs against a redis-server of the bench's own (spare
# port, temporary directory): no persistence, AOF everysec, AOF always, and AOF always with one
# replica and FLASHGROUP_REDIS_MIN_REPLICAS=1 (every reservation answered after WAIT 1). Each gets
# the bench's reserve warm-up (BENCH_WARMUP: each setting starts a fresh JVM) and ROUNDS x SECONDS of
# the reserve case. On the first setting it also measures Redis memory per 10,000 reservations and
# what is left once the activity retired (FLASHGROUP_ACTIVITIES_RETAIN=PT1S and an upkeep every 2 s,
# so the retired keys expire within seconds of the activity's end instead of the default 5 minutes).

_bd_redis_pids=()

# _bd_redis PORT DIR ARGS...: starts a redis-server of the bench's own and waits for it.
_bd_redis() {
  local port="$1" dir="$2"
  shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@"
  local i
  for ((i = 0; i < 100; i++)); do
    if [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; then
      _bd_redis_pids+=("$(cat "$dir/redis.pid")")
      return 0
    fi
    sleep 0.1
  done
  fg_error "redis-server on :$port did not start"
  return 1
}

bd_stop_redis() {
  local pid
  for pid in "${_bd_redis_pids[@]+"${_bd_redis_pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  _bd_redis_pids=()
}

_bd_used_memory() { redis-cli -p "$1" info memory | awk -F: '$1 == "used_memory" { print $2 + 0 }'; }

# _bd_memory PORT: memory per 10,000 reservations and after retirement, on the running app.
_bd_memory() {
  local port="$1" before id seq after retired i
  redis-cli -p "$port" memory purge >/dev/null 2>&1 || true
  before="$(_bd_used_memory "$port")"
  id="$(activity 10000000 10000 PT5S "$(fg_iso 'now')" "$(fg_iso "+$((seconds + 8)) seconds")")"
  sleep 0.5
  run_wrk reserve "$id" "$work/steady" "$seconds" >/dev/null
  # Reservations = order hashes (a scan is fine here: the bench's own Redis).
  seq="$(redis-cli -p "$port" --scan --pattern "$FLASHGROUP_REDIS_NAMESPACE:{a$id}:o:*" | wc -l)"
  after="$(_bd_used_memory "$port")"
  fg_info "memory: $seq reservations took $(((after - before) / 1024)) KiB; waiting for the activity to retire"
  retired=''
  for ((i = 0; i < 600; i++)); do
    if ! redis-cli -p "$port" sismember "$FLASHGROUP_REDIS_NAMESPACE:live:{$((id % 16))}" "$id" | grep -q 1 \
      && (($(redis-cli -p "$port" --scan --pattern "$FLASHGROUP_REDIS_NAMESPACE:{a$id}:*" | wc -l) == 0)); then
      retired=1
      break
    fi
    sleep 1
  done
  redis-cli -p "$port" memory purge >/dev/null 2>&1 || true
  bd_mem_per_10k_kib=$(((after - before) * 10000 / (seq > 0 ? seq : 1) / 1024))
  bd_mem_left_kib=$((($(_bd_used_memory "$port") - before) / 1024))
  bd_retired_s=$([[ -n "$retired" ]] && echo "$i" || echo -1)
}

# bd_run: the durability cases; prints the table and sets bd_json (a JSON fragment).
bd_run() {
  local setting port replica dir line rps p99 rows=() json=''
  local settings="${BENCH_DURABILITY_SETTINGS:-none everysec always wait1}"
  [[ "$settings" =~ ^( ?(none|everysec|always|wait1))+$ ]] || { fg_error "BENCH_DURABILITY_SETTINGS: none, everysec, always, wait1"; return 2; }
  bd_mem_per_10k_kib=-1 bd_mem_left_kib=-1 bd_retired_s=-1
  # shellcheck disable=SC2086 # a list of words
  for setting in $settings; do
    port="$(fg_free_port 16600 16699)"
    dir="$work/redis-$setting"
    case "$setting" in
      none) _bd_redis "$port" "$dir" --appendonly no ;;
      everysec) _bd_redis "$port" "$dir" --appendonly yes --appendfsync everysec ;;
      always | wait1) _bd_redis "$port" "$dir" --appendonly yes --appendfsync always ;;
    esac
    local replicas=0
    if [[ "$setting" == wait1 ]]; then
      replica="$(fg_free_port 16700 16799)"
      _bd_redis "$replica" "$work/redis-replica" --appendonly yes --appendfsync always --replicaof 127.0.0.1 "$port"
      # An environment variable (Spring's relaxed binding): a -D system property of that name binds nothing.
      replicas=1
    fi
    FLASHGROUP_REDIS_PORT="$port" FLASHGROUP_ACTIVITIES_RETAIN=PT1S FLASHGROUP_ACTIVITIES_UPKEEP_INTERVAL=PT2S \
      FLASHGROUP_REDIS_MIN_REPLICAS="$replicas" \
      fg_app_start "$run_id$setting" "$(fg_free_port 18200 18299)" "$work/app-$setting.log"
    # What the application itself read from Redis at start-up: proof the setting is the one measured.
    fg_info "redis $setting: $(grep -o 'Redis durability: .*' "$work/app-$setting.log" | head -1)"
    url="http://localhost:$SERVER_PORT"
    local id
    id="$(activity 10000000 10000 PT3H "$(fg_iso 'now')")"
    sleep 0.3
    fg_info "redis $setting: warm-up $warmup s"
    run_wrk reserve "$id" "$work/steady" "$warmup" >/dev/null
    local results=''
    for ((r = 1; r <= rounds; r++)); do
      line="$(run_wrk reserve "$id" "$work/steady" "$seconds")"
      fg_info "redis $setting round $r $line"
      results+="$line"$'\n'
    done
    read -r rps p99 <<<"$(awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        req += v["requests"]; sec += v["seconds"]; if (v["p99_ms"] + 0 > worst) worst = v["p99_ms"] + 0 }
        END { printf "%.0f %.2f\n", req / sec, worst }' <<<"${results%$'\n'}")"
    rows+=("$(printf '%-9s %10s %12s' "$setting" "$rps" "$p99")")
    json+="\"redis_${setting}_rps\":$rps,\"redis_${setting}_p99_ms\":$p99,"
    [[ "$setting" == none ]] && _bd_memory "$port"
    fg_app_stop
    FLASHGROUP_REDIS_PORT="$port" fg_app_remove "$run_id$setting"
    bd_stop_redis
  done
  echo
  printf '%-9s %10s %12s\n' redis "reserve/s" "worst p99 ms"
  printf '%s\n' "${rows[@]}"
  echo "redis memory: $bd_mem_per_10k_kib KiB per 10,000 reservations; $bd_mem_left_kib KiB left after retirement (retired after ${bd_retired_s}s)"
  bd_json="{${json}\"redis_mem_per_10k_kib\":$bd_mem_per_10k_kib,\"redis_mem_left_after_retirement_kib\":$bd_mem_left_kib}"
}
