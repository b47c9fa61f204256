# shellcheck shell=bash
# The pieces scripts/bench's cases share (the steady rounds, the spike, --durability, --cluster):
# CPU from /proc, MySQL and Redis clients, activities, wrk runs and the spike. Source after
# services.sh and app.sh. The caller sets: work (a temporary directory), threads, connections, url
# (the application), bench_urls (every instance's URL; the spike splits its buyers over them) and
# merchant_token; the spike's tokens are in $work/spike.
#
#   ticks_of PID / cpu_delta BEFORE AFTER    CPU seconds (utime + stime) of processes
#   mysql_q SQL / redis_cli ARGS...          the run's database; its Redis (a cluster node, -c)
#   activity STOCK LIMIT PAY_WINDOW STARTS [ENDS] [SHARDS]    schedules one, prints its id
#   run_wrk CASE ACTIVITY TOKENS SECONDS [ACKED] [GROUP]     one wrk run, its RESULT line
#   spike_wrk ACTIVITY NAME [POINTS] [TOKENS]  every spike token (or TOKENS') once (all instances)
#   spike_case ACTIVITY NAME STOCK           spike_wrk, then MySQL watched until it holds every order
#   wait_persisted ACTIVITY N                until MySQL holds N of its orders

hz="$(getconf CLK_TCK)"
# CPU: utime + stime (fields 14, 15 of /proc/<pid>/stat, after the command name) in clock ticks.
ticks_of() { [[ -n "$1" && -r "/proc/$1/stat" ]] && sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
# cpu_delta "BEFORE" "AFTER" -> seconds per process, then the total
cpu_delta() { awk -v hz="$hz" -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " "); t = 0
  for (i = 1; i <= n; i++) { d = (y[i] - x[i]) / hz; t += d; printf "%.3f ", d } printf "%.3f\n", t }'; }

mysql_q() {
  local client
  client="$(command -v mariadb || command -v mysql)"
  "$client" -N -h"${FLASHGROUP_DB_HOST:-127.0.0.1}" -P"${FLASHGROUP_DB_PORT:-3306}" -u"${FLASHGROUP_DB_USER:-root}" \
    ${FLASHGROUP_DB_PASSWORD:+-p"$FLASHGROUP_DB_PASSWORD"} "$FLASHGROUP_DB_NAME" -e "SET time_zone = '+00:00'; $1"
}
# On a cluster (FLASHGROUP_REDIS_CLUSTER_NODES) its first node, following redirects.
redis_cli() {
  local first="${FLASHGROUP_REDIS_CLUSTER_NODES:-}"
  first="${first%%,*}"
  if [[ -n "$first" ]]; then
    redis-cli -c -h "${first%:*}" -p "${first##*:}" \
      ${FLASHGROUP_REDIS_PASSWORD:+-a "$FLASHGROUP_REDIS_PASSWORD" --no-auth-warning} "$@"
  else
    redis-cli -h "${FLASHGROUP_REDIS_HOST:-127.0.0.1}" -p "${FLASHGROUP_REDIS_PORT:-6379}" \
      ${FLASHGROUP_REDIS_PASSWORD:+-a "$FLASHGROUP_REDIS_PASSWORD" --no-auth-warning} "$@"
  fi
}
now_ms() { date +%s%3N; }
field() { sed -E "s/.* $2=([^ ]+).*/\1/" <<<"$1"; }
stream_of() { echo "$FLASHGROUP_REDIS_NAMESPACE:{a$1}:events"; }

activity() { # STOCK LIMIT PAY_WINDOW STARTS [ENDS] [SHARDS]
  local body
  body="$(curl -fsS -X POST "$url/api/v1/merchant/activities" -H "Authorization: Bearer $merchant_token" \
    -H 'Content-Type: application/json' -d "{\"title\":\"bench\",\"mode\":\"STANDARD\",\"groupSize\":3,\"groupPrice\":990,
    \"soloPrice\":1990,\"stock\":$1,\"perUserLimit\":$2,\"startsAt\":\"$4\",\"endsAt\":\"${5:-$(fg_iso '+3 hours')}\",
    \"groupTtl\":\"$3\",\"payWindow\":\"$3\",\"shards\":${6:-1}}")" || { fg_error "scheduling an activity failed"; return 1; }
  sed -E 's/.*"id":([0-9]+).*/\1/' <<<"$body"
}
reserve_as() { # PATH TOKEN -> body
  curl -fsS -X POST "$url$1" -H "Authorization: Bearer $2"
}
run_wrk() { # CASE ACTIVITY TOKENS SECONDS [ACKED] [GROUP]
  local target="$url"
  [[ "$1" == bare ]] && target="$bare_url"
  wrk -t"$threads" -c"$connections" -d"$4s" --timeout 10s -s scripts/lib/bench.lua "$target" -- \
    "$1" "$2" "$3" "$threads" "$connections" "${5:--}" "${6:-}" | grep '^RESULT'
}

# spike_wrk ACTIVITY NAME [POINTS] [TOKENS]: every spike token ($work/spike, or the file TOKENS) once
# against ACTIVITY (naming POINTS, comma-separated, when given); leaves wrk's RESULT line in $work/NAME-result and the acknowledged order
# ids in $work/NAME. With several instances (bench_urls) one wrk per instance, each with its share
# of the buyers, threads and connections; the RESULT line then adds their counts up, and its
# latency percentiles are the worst instance's. wrk runs for its whole -d; interrupted (SIGINT) it
# still reports, so it is stopped once every thread has had all its buyers answered.
spike_wrk() {
  local n=${#bench_urls[@]} i pid wrk_pids=() tokens each_threads each_connections
  each_threads=$((threads / n > 0 ? threads / n : 1)) each_connections=$((connections / n))
  rm -f "$work/$2"-*
  for ((i = 0; i < n; i++)); do
    tokens="${4:-$work/spike}"
    if ((n > 1)); then
      tokens="${4:-$work/spike}.$i"
      [[ -f "$tokens" ]] || awk -v n="$n" -v i="$i" 'NR % n == i' "${4:-$work/spike}" >"$tokens"
    fi
    # A subshell, so that wrk is its child (pgrep -P below), not a sibling in a pipeline.
    (wrk -t"$each_threads" -c"$each_connections" -d300s --timeout 10s -s scripts/lib/bench.lua "${bench_urls[$i]}" -- \
      spike "$1" "$tokens" "$each_threads" "$each_connections" "$work/$2-$i-" "" "${3:-}" | grep '^RESULT' >"$work/$2-$i.result") &
    wrk_pids+=("$!")
  done
  while (($(find "$work" -name "$2-*.done" | wc -l) < n * each_threads)); do
    for pid in "${wrk_pids[@]}"; do kill -0 "$pid" 2>/dev/null && break; pid=''; done
    [[ -n "$pid" ]] || break
    sleep 0.05
  done
  for i in "${wrk_pids[@]}"; do
    for pid in $(pgrep -P "$i" -x wrk); do kill -INT "$pid" 2>/dev/null || true; done
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid" || true; done
  cat "$work/$2"-*.result | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      c = v["case"]; req += v["requests"]; err += v["errors"]; ans += v["answered"]; cr += v["created"]; ref += v["refused"]; os += v["other_shard"]
      if (v["seconds"] > sec) sec = v["seconds"]
      if (v["p50_ms"] > p50) p50 = v["p50_ms"]; if (v["p99_ms"] > p99) p99 = v["p99_ms"]; if (v["p999_ms"] > p999) p999 = v["p999_ms"] }
    END { printf "RESULT case=%s requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d answered=%d created=%d refused=%d other_shard=%d\n",
      c, req, sec, (sec > 0) ? req / sec : 0, p50, p99, p999, err, ans, cr, ref, os }' >"$work/$2-result"
  find "$work" -name "$2-*" ! -name '*.done' ! -name '*.result' ! -name '*-result' -exec cat {} + | sort -u >"$work/$2"
}

# spike_case ACTIVITY NAME STOCK: spike_wrk, with MySQL watched from the start ("time rows
# newest-created_at" every 50 ms) until it holds every acknowledged order (60 s at most). Sets
# spike_line, sold, t0, t_end (the last buyer answered), last_ack_ms (the newest order's reservation
# time), persist_lag_ms (last acknowledged reservation -> the first look that saw every order; -1:
# not all seen), lost (acknowledged ids without a row), oversold and sellout_ms (t0 -> the last
# acknowledged reservation; -1 when not sold out).
spike_case() {
  local id="$1" name="$2" stock="$3" watcher i t_rows rows
  rm -f "$work/stop-watching"
  while [[ ! -f "$work/stop-watching" ]]; do
    echo "$(now_ms) $(mysql_q "SELECT COUNT(*), COALESCE(ROUND(UNIX_TIMESTAMP(MAX(created_at)) * 1000), 0)
      FROM orders WHERE activity_id = $id" 2>/dev/null | tr '\t' ' ')"
    sleep 0.05
  done >"$work/rows-seen" &
  watcher=$!
  t0="$(now_ms)"
  spike_wrk "$id" "$name"
  t_end="$(now_ms)"
  spike_line="$(cat "$work/$name-result")"
  sold="$(wc -l <"$work/$name")"
  for ((i = 0; i < 1200; i++)); do
    [[ "$(tail -1 "$work/rows-seen" 2>/dev/null | cut -d' ' -f2)" -ge "$sold" ]] 2>/dev/null && break
    sleep 0.05
  done
  touch "$work/stop-watching"
  wait "$watcher" || true
  # The first look that saw every acknowledged order; the newest created_at is the last acknowledgement.
  read -r t_rows rows last_ack_ms <<<"$(awk -v n="$sold" '$2 >= n { print; exit }' "$work/rows-seen")"
  if [[ -n "${t_rows:-}" ]]; then
    persist_lag_ms=$((t_rows - last_ack_ms))
  else
    read -r t_rows rows last_ack_ms <<<"$(tail -1 "$work/rows-seen")"
    persist_lag_ms=-1
    fg_warn "MySQL holds ${rows:-0} of $sold acknowledged orders after 60 s"
  fi
  mysql_q "SELECT id FROM orders WHERE activity_id = $id" | sort -u >"$work/$name-rows"
  lost="$(comm -23 "$work/$name" "$work/$name-rows" | wc -l)"
  oversold=$((sold > stock ? sold - stock : 0))
  sellout_ms=-1
  ((sold >= stock)) && sellout_ms=$((last_ack_ms - t0))
  return 0
}

# Waits until the activity's stream is relayed and MySQL holds at least N of its orders (at most
# 180 s); prints the milliseconds it took, or -1.
wait_persisted() { # ACTIVITY N
  local start i
  start="$(now_ms)"
  for ((i = 0; i < 3600; i++)); do
    if [[ "$(redis_cli xlen "$(stream_of "$1")")" == 0 ]]; then break; fi
    sleep 0.05
  done
  for ((; i < 3600; i++)); do
    if (($(mysql_q "SELECT COUNT(*) FROM orders WHERE activity_id = $1") >= $2)); then
      echo $(($(now_ms) - start))
      return 0
    fi
    sleep 0.25
  done
  echo -1
}
