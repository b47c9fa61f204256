# shellcheck shell=bash
# scripts/bench --cluster: the spike on an activity of one shard against one of 8 shards, on a local
# Redis Cluster. Source after services.sh, app.sh and bench_common.sh, from scripts/bench (which
# sets work, run_id, port, java_opts, threads, connections, quick, instances, spike_buyers,
# spike_stock, merchant_token, bench_primaries, and tears down what bc_cluster_up and bc_start_apps
# started).
#
# A cluster of the bench's own (scripts/cluster up --primaries P in $work/cluster: P =
# BENCH_CLUSTER_PRIMARIES, 8, on spare ports from BENCH_CLUSTER_PORTS, 17600). Every 8-shard
# activity (the steady one, the warm-up sell-out, each spike), once warm and before its sale, has its
# bucket b moved to primary b mod P (in the order of FLASHGROUP_REDIS_CLUSTER_NODES) with
# scripts/cluster place, and the placement read back must be that one: with 8 primaries each bucket
# has a primary of its own, as on separate machines, so the busiest primary's share is 1 of 8 (left
# to CRC16 on 3 primaries it was 3 or 4 of 8, which bounded the fall at 2-2.7x). The 1-shard
# activity stays where its slot is. The spike's activities start 4 s plus twice the warm-up's
# longest placement after they are scheduled, and the bench stops if a start passed before its
# placement finished.
# The application pointed at it (FLASHGROUP_REDIS_CLUSTER_NODES; with
# --instances 2 a second instance on the same database, namespace and queues, with a port and relay
# consumer of its own), a warm-up (the reserve case on a 1-shard and an 8-shard activity, and a
# sell-out of 200 units to 2,000 buyers on each), then
# BENCH_CLUSTER_ROUNDS rounds of two cases, the order alternating between rounds: a spike activity
# with shards 1 and one with shards 8, the same stock and the same buyers, each buyer one request
# (the bench's spike), the verifier after each. Per case the CPU of each primary's redis-server
# (INFO CPU used_cpu_sys + used_cpu_user: getrusage, the same utime + stime as /proc/<pid>/stat but
# in microseconds rather than 10 ms ticks) from the first request until MySQL held every
# acknowledged order, the same less the primary's rate at rest (measured in the seconds between the
# placement and the sale's start) over that time, the time and calls of its scripts (INFO
# COMMANDSTATS, EVALSHA and EVAL: the reservations, transfers, sweepers; not the relay's reads nor
# the network), and the buckets each primary holds; at the end the app log's ERROR and WARN lines.

bc_cluster_dir=''
bc_app_pids=()
bc_primaries=() bc_primary_pids=()
bc_place_ms=0 bc_placed='' bc_placed8='' bc_lead_ms=4000

# bc_cluster_up: a cluster of $bench_primaries primaries in $work/cluster; exports
# FLASHGROUP_REDIS_CLUSTER_NODES.
bc_cluster_up() {
  local line p
  # Set before `up`, so an exit during it still takes the nodes down.
  bc_cluster_dir="$work/cluster"
  fg_info "starting a Redis Cluster of the bench's own: $bench_primaries primaries, spare ports from ${BENCH_CLUSTER_PORTS:-17600}, in $bc_cluster_dir"
  line="$(FLASHGROUP_CLUSTER_DIR="$bc_cluster_dir" FLASHGROUP_CLUSTER_PORTS="${BENCH_CLUSTER_PORTS:-17600}" \
    scripts/cluster up --primaries "$bench_primaries" | tail -1)" || return 1
  [[ "$line" == FLASHGROUP_REDIS_CLUSTER_NODES=* ]] || { fg_error "scripts/cluster up printed $line"; return 1; }
  export "${line?}"
  for p in $(tr ',' ' ' <<<"${FLASHGROUP_REDIS_CLUSTER_NODES}"); do
    bc_primaries+=("${p##*:}")
    bc_primary_pids+=("$(redis-cli -p "${p##*:}" info server | tr -d '\r' | sed -n 's/^process_id://p')")
  done
  ((${#bc_primaries[@]} == bench_primaries)) ||
    { fg_error "the cluster has ${#bc_primaries[@]} primaries, not $bench_primaries"; return 1; }
  fg_info "primaries ${bc_primaries[*]}, redis-server pids ${bc_primary_pids[*]}"
}

bc_cluster_down() {
  [[ -n "$bc_cluster_dir" ]] || return 0
  FLASHGROUP_CLUSTER_DIR="$bc_cluster_dir" scripts/cluster down || true
  bc_cluster_dir=''
}

# bc_start_apps: the instances, one after the other; sets bench_urls and url (the first).
bc_start_apps() {
  local i p instance
  bench_urls=()
  for ((i = 1; i <= instances; i++)); do
    p="$port"
    ((i > 1)) && { p="$(fg_free_port "$((port + 1))" 8199)" || { fg_error "no free port for instance $i"; return 1; }; }
    instance=''
    ((instances > 1)) && instance="$i"
    fg_info "starting instance $i of $instances on :$p against the cluster"
    FG_APP_INSTANCE="$instance" fg_app_start "$run_id" "$p" "$work/app-$i.log" "${java_opts[@]+"${java_opts[@]}"}" || return 1
    bc_app_pids+=("$fg_app_pid")
    bench_urls+=("http://localhost:$p")
  done
  url="${bench_urls[0]}"
}

bc_stop_apps() {
  local pid
  for pid in "${bc_app_pids[@]+"${bc_app_pids[@]}"}"; do
    fg_app_pid="$pid"
    fg_app_stop
  done
  bc_app_pids=()
}

# CPU seconds of each primary, then of all instances together, then the time in ms.
bc_cpu_now() {
  local p pid apps=0
  for p in "${bc_primaries[@]}"; do
    redis-cli -p "$p" info cpu | tr -d '\r' | awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { s += $2 } END { printf "%.6f ", s }'
  done
  for pid in "${bc_app_pids[@]}"; do apps=$((apps + $(ticks_of "$pid"))); done
  echo "$(awk -v t="$apps" -v hz="$hz" 'BEGIN { printf "%.3f", t / hz }') $(now_ms)"
}
# Each primary's script time in ms, then each one's script calls (EVALSHA + EVAL).
bc_scripts_now() {
  local p m c ms=() calls=()
  for p in "${bc_primaries[@]}"; do
    read -r m c <<<"$(redis-cli -p "$p" info commandstats | tr -d '\r' | awk -F'[:,=]' '$1 == "cmdstat_evalsha" || $1 == "cmdstat_eval" {
      c += $3; u += $5 } END { printf "%.3f %d\n", u / 1000, c }')"
    ms+=("$m") calls+=("$c")
  done
  echo "${ms[*]} ${calls[*]}"
}
# bc_commands_now PORT: every command's calls and usec on that primary, "cmd calls usec" a line.
bc_commands_now() {
  redis-cli -p "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_/ { sub(/^cmdstat_/, "", $1); print $1, $3, $5 }'
}
# bc_commands_delta BEFORE AFTER: the commands that ran between, most calls first, at most 8:
# "cmd calls (ms)".
bc_commands_delta() {
  awk 'NR == FNR { c[$1] = $2; u[$1] = $3; next } { d = $2 - c[$1]; if (d > 0) printf "%d %s %.0f\n", d, $1, ($3 - u[$1]) / 1000 }' \
    <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sort -rn | awk 'NR <= 8 { printf "%s%s %d (%s ms)", (NR > 1 ? ", " : ""), $2, $1, $3 }'
}

# The steps of sharded walks so far (flashgroup.shards.walk, summed over the instances), as
# "step=count ..." sorted by step; bc_admin is an ADMIN token for /actuator/prometheus.
bc_walk_now() {
  local u
  for u in "${bench_urls[@]}"; do
    curl -fsS -H "Authorization: Bearer $bc_admin" "$u/actuator/prometheus" 2>/dev/null || true
  done | awk '/^flashgroup_shards_walk_total\{/ { match($0, /step="[a-z_]+"/); s = substr($0, RSTART + 6, RLENGTH - 7); n[s] += $NF }
    END { for (s in n) printf "%s=%d\n", s, n[s] }' | sort | paste -sd ' '
}
# bc_walk_delta BEFORE AFTER: each step's count in AFTER less BEFORE's.
bc_walk_delta() {
  awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); was[kv[1]] = kv[2] }
    m = split(b, y, " "); for (i = 1; i <= m; i++) { split(y[i], kv, "="); printf "%s%s=%d", (i > 1 ? " " : ""), kv[1], kv[2] - was[kv[1]] } }'
}

# bc_delta BEFORE AFTER: each field's difference (the last, the time, in ms).
bc_delta() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
  for (i = 1; i < n; i++) printf "%.3f ", y[i] - x[i]; printf "%d\n", y[n] - x[n] }'; }

# bc_placement ACTIVITY SHARDS: waits (30 s at most) until every bucket's hash is in Redis (warmed),
# then prints the number of buckets on each primary, in bc_primaries' order.
bc_placement() {
  local id="$1" shards="$2" b p tag i found counts=()
  for p in "${bc_primaries[@]}"; do counts+=(0); done
  for ((b = 0; b < shards; b++)); do
    tag="{a$id}"
    ((shards > 1)) && tag="{a$id.$b}"
    found='' i=0
    while [[ -z "$found" ]] && ((i++ < 300)); do
      for p in "${!bc_primaries[@]}"; do
        # Only the slot's primary answers 1 (the others a MOVED error): no -c here.
        if [[ "$(redis-cli -p "${bc_primaries[$p]}" exists "$FLASHGROUP_REDIS_NAMESPACE:$tag:activity" 2>/dev/null)" == 1 ]]; then
          found="$p"
          break
        fi
      done
      [[ -n "$found" ]] || sleep 0.1
    done
    [[ -n "$found" ]] || { fg_error "bucket $b of activity $id was not warm after 30 s"; return 1; }
    counts[found]=$((counts[found] + 1))
  done
  echo "${counts[*]}"
}

# bc_spread ACTIVITY SHARDS: with more than one shard, moves bucket b's slot to primary b mod P
# (scripts/cluster place: the slot with every key in it, and every node agreeing on it), then checks
# with bc_placement that each primary holds the buckets meant for it; sets bc_place_ms (how long the
# moves took) and bc_placed (the placement, p1/p2/...). Call once the buckets are warm.
bc_spread() {
  local id="$1" shards="$2" b start n=${#bc_primaries[@]} want=() got pairs=()
  start="$(now_ms)"
  for ((b = 0; b < n; b++)); do want+=(0); done
  for ((b = 0; b < shards; b++)); do
    want[b % n]=$((want[b % n] + 1))
    pairs+=("$FLASHGROUP_REDIS_NAMESPACE:{a$id.$b}:activity" "${bc_primaries[b % n]}")
  done
  if ((shards > 1)); then
    FLASHGROUP_CLUSTER_DIR="$bc_cluster_dir" scripts/cluster place "${pairs[@]}" ||
      { fg_error "placing activity $id's buckets (bucket b on primary b mod $n) failed"; return 1; }
  fi
  bc_place_ms=$(($(now_ms) - start))
  got="$(bc_placement "$id" "$shards")" || return 1
  bc_placed="${got// //}"
  if ((shards > 1)) && [[ "$got" != "${want[*]}" ]]; then
    fg_error "activity $id's buckets per primary are $bc_placed after placing, not $(tr ' ' / <<<"${want[*]}")"
    return 1
  fi
  ((shards > 1)) && fg_info "activity $id: $shards buckets placed in $bc_place_ms ms, buckets per primary $bc_placed"
  return 0
}

# bc_case ROUND SHARDS: one spike case; appends its row to bc_rows, adds to bc_verify_rc.
bc_case() {
  local round="$1" shards="$2" id starts_ms placement rest before split name wait_ms net answered_ms
  local scripts_before scripts
  # Both cases get the same lead: the 4 s of before, plus room for the 8-shard one's moves.
  starts_ms=$(($(now_ms) + bc_lead_ms))
  id="$(activity "$spike_stock" 1 PT1H "$(date -u -d "@$((starts_ms / 1000)).$((starts_ms % 1000))" +%Y-%m-%dT%H:%M:%S.%3NZ)" "" "$shards")"
  bc_placement "$id" "$shards" >/dev/null || return 1
  bc_spread "$id" "$shards" || return 1
  placement="$bc_placed"
  if (($(now_ms) >= starts_ms)); then
    fg_error "round $round, shards $shards: activity $id's sale started $(($(now_ms) - starts_ms)) ms before its buckets were placed (lead $bc_lead_ms ms, placing took $bc_place_ms ms): raise the lead"
    return 1
  fi
  ((starts_ms - $(now_ms) >= 1000)) || fg_warn "round $round, shards $shards: only $((starts_ms - $(now_ms))) ms at rest before the sale"
  # The primaries at rest until the sale starts (the relay's polls of every warm stream, the
  # rebalancer, the sweepers): printed, so a case's CPU can be read against it.
  before="$(bc_cpu_now)"
  wait_ms=$((starts_ms + 300 - $(now_ms)))
  ((wait_ms > 0)) && sleep "$(awk -v m="$wait_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
  rest="$(bc_delta "$before" "$(bc_cpu_now)")"
  fg_info "round $round, shards $shards: $spike_buyers buyers against $spike_stock units (activity $id; buckets per primary $placement; primaries at rest $(awk -v n="${#bc_primaries[@]}" '{
    for (i = 1; i <= n; i++) printf "%s%.1f", (i > 1 ? "/" : ""), ($NF > 0) ? $i * 1e6 / $NF : 0 }' <<<"$rest") ms CPU per s)"
  name="r$round-s$shards"
  local walk_before commands_before=() p
  walk_before="$(bc_walk_now)"
  for p in "${bc_primaries[@]}"; do commands_before+=("$(bc_commands_now "$p")"); done
  before="$(bc_cpu_now)" scripts_before="$(bc_scripts_now)"
  spike_case "$id" "$name" "$spike_stock"
  split="$(bc_delta "$before" "$(bc_cpu_now)")"
  # What the busiest primary (by CPU) ran: the scripts, the relay's stream reads, the rest.
  local busiest
  busiest="$(awk -v n="${#bc_primaries[@]}" '{ m = 1; for (i = 2; i <= n; i++) if ($i > $m) m = i; print m - 1 }' <<<"$split")"
  fg_info "round $round, shards $shards: commands on the busiest primary :${bc_primaries[$busiest]}: $(bc_commands_delta "${commands_before[$busiest]}" "$(bc_commands_now "${bc_primaries[$busiest]}")")"
  ((shards > 1)) && fg_info "round $round, shards $shards: walk steps (flashgroup.shards.walk): $(bc_walk_delta "$walk_before" "$(bc_walk_now)")"
  scripts="$(awk -v a="$scripts_before" '{ split(a, x, " "); for (i = 1; i <= NF; i++) printf "%.1f ", $i - x[i] }' <<<"$(bc_scripts_now)")"
  # Less each primary's rate at rest over the case's time (never below 0).
  net="$(awk -v n="${#bc_primaries[@]}" -v r="$rest" '{ m = split(r, q, " ")
    for (i = 1; i <= n; i++) { v = $i - ((q[m] > 0) ? q[i] * $NF / q[m] : 0); printf "%.3f ", (v > 0) ? v : 0 } }' <<<"$split")"
  fg_info "round $round, shards $shards: $spike_line"
  answered_ms=$((t_end - t0))
  fg_info "round $round, shards $shards: verifier"
  scripts/verify --acknowledged "$work/$name" "$id" | tail -3 || bc_verify_rc=$?
  # Row: round shards answered answered_ms sold p50 p99 sellout_ms persist_lag_ms other_shard oversold lost
  #      placement (p1/p2/p3), CPU s of each primary, of the app(s), the case's ms, each primary's less
  #      its rest, each primary's script ms, each one's script calls
  ((shards > 1)) && bc_placed8="$placement"
  bc_rows+=("$round $shards $(field "$spike_line" answered) $answered_ms $sold $(field "$spike_line" p50_ms) $(field "$spike_line" p99_ms) $sellout_ms $persist_lag_ms $(field "$spike_line" other_shard) $oversold $lost $placement $split $net $scripts")
}

# bc_steady ROUND SHARDS ACTIVITY PLACEMENT: the reserve case (open / join / solo against stock that
# never sells out, so nothing spills between buckets) on the first instance for the steady seconds,
# CPU and scripts per primary from its start until MySQL held its orders; appends to bc_steady_rows.
bc_steady() {
  local before scripts_before line made split scripts
  before="$(bc_cpu_now)" scripts_before="$(bc_scripts_now)"
  line="$(run_wrk reserve "$3" "$work/steady" "$bc_steady_seconds")"
  made="$(field "$line" created)"
  bc_made[$2]=$((bc_made[$2] + made))
  wait_persisted "$3" "${bc_made[$2]}" >/dev/null
  split="$(bc_delta "$before" "$(bc_cpu_now)")"
  scripts="$(awk -v a="$scripts_before" '{ split(a, x, " "); for (i = 1; i <= NF; i++) printf "%.1f ", $i - x[i] }' <<<"$(bc_scripts_now)")"
  fg_info "round $1, steady on $2 shard(s): $line"
  bc_steady_rows+=("$1 $2 $made $(field "$line" rps) $(field "$line" p99_ms) $4 $split $scripts")
}

# bc_app_log_check: the ERROR and WARN lines of every instance's log (Boot's console format: the level
# after the timestamp), counted, and the first few distinct messages (without timestamp, pid and
# thread) printed: the slots moved under the application must not show there. Sets bc_log_errors.
bc_app_log_check() {
  local i log errors warns
  bc_log_errors=0
  for ((i = 1; i <= instances; i++)); do
    log="$work/app-$i.log"
    [[ -f "$log" ]] || continue
    errors="$(grep -cE '^[^ ]+ +ERROR ' "$log" || true)" warns="$(grep -cE '^[^ ]+ +WARN ' "$log" || true)"
    bc_log_errors=$((bc_log_errors + errors))
    echo "app log of instance $i: $errors ERROR, $warns WARN lines"
    # No such line, or head closing the pipe early, must not end the bench (set -o pipefail).
    { grep -E '^[^ ]+ +(ERROR|WARN) ' "$log" || true; } | sed -E 's/^[^ ]+ +([A-Z]+) +[0-9]+ --- (\[[^]]*\] )*/\1 /' |
      sort | uniq -c | sort -rn | cut -c1-220 | awk 'NR <= 8' || true
  done
}

# bc_run: warm-up, the rounds, the table; sets bc_json.
bc_run() {
  local rounds="${BENCH_CLUSTER_ROUNDS:-$([[ -n "$quick" ]] && echo 1 || echo 2)}"
  local bc_warmup="${BENCH_WARMUP:-$([[ -n "$quick" ]] && echo 5 || echo 20)}"
  local r u one eight line made place_one place_eight place_ms
  bc_steady_seconds="${BENCH_SECONDS:-$([[ -n "$quick" ]] && echo 5 || echo 10)}"
  bc_rows=() bc_steady_rows=() bc_verify_rc=0 bc_made=()
  bc_admin="$(java scripts/TokenMint.java ADMIN bench-admin 2>/dev/null | tail -1)" ||
    { fg_error "could not mint an ADMIN token (java scripts/TokenMint.java ADMIN bench-admin)"; return 1; }
  fg_info "tokens: 2000 for the warm-up, $spike_buyers for the spike"
  fg_mint_tokens 2000 "steady-$run_id" "$work/steady"
  fg_mint_tokens "$spike_buyers" "spike-$run_id" "$work/spike"
  # The JIT's warm-up, on both paths (one bucket; buckets, their spills and refusals), on every instance.
  one="$(activity 10000000 10000 PT3H "$(fg_iso 'now')")"
  eight="$(activity 10000000 10000 PT3H "$(fg_iso 'now')" "" 8)"
  bc_placement "$one" 1 >/dev/null || return 1
  bc_spread "$one" 1 || return 1
  place_one="$bc_placed"
  bc_placement "$eight" 8 >/dev/null || return 1
  bc_spread "$eight" 8 || return 1
  place_eight="$bc_placed" place_ms="$bc_place_ms"
  local made_one=0 made_eight=0
  for u in "${bench_urls[@]}"; do
    url="$u"
    fg_info "warm-up on $u: reserve on 1 shard $bc_warmup s, on 8 shards $(((bc_warmup + 1) / 2)) s"
    line="$(run_wrk reserve "$one" "$work/steady" "$bc_warmup")"
    made_one=$((made_one + $(field "$line" created)))
    line="$(run_wrk reserve "$eight" "$work/steady" "$(((bc_warmup + 1) / 2))")"
    fg_info "warm-up on 8 shards $line"
    made_eight=$((made_eight + $(field "$line" created)))
  done
  url="${bench_urls[0]}"
  fg_info "waiting until MySQL holds the warm-up's $((made_one + made_eight)) orders"
  made="$(wait_persisted "$one" "$made_one") $(wait_persisted "$eight" "$made_eight")"
  fg_info "warm-up persisted (ms: $made)"
  # And a sell-out on each (the warm-up's 2,000 buyers against 200 units), so that the first spike
  # measured is not also the JIT's first sell-out.
  local shards id
  for shards in 1 8; do
    id="$(activity 200 1 PT1H "$(fg_iso 'now')" "" "$shards")"
    bc_placement "$id" "$shards" >/dev/null || return 1
    bc_spread "$id" "$shards" || return 1
    ((bc_place_ms > place_ms)) && place_ms="$bc_place_ms"
    spike_wrk "$id" "warm-$shards" "" "$work/steady"
    fg_info "warm-up sell-out on $shards shard(s): $(cat "$work/warm-$shards-result")"
  done
  bc_made[1]="$made_one" bc_made[8]="$made_eight"
  # The spike's lead: 4 s at rest as before the placement, plus twice the longest placement seen.
  bc_lead_ms=$((4000 + 2 * place_ms))
  fg_info "placing 8 buckets took up to $place_ms ms: each spike starts $bc_lead_ms ms after it is scheduled"
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
      bc_steady "$r" 1 "$one" "$place_one"
      bc_steady "$r" 8 "$eight" "$place_eight"
      bc_case "$r" 1
      bc_case "$r" 8
    else
      bc_steady "$r" 8 "$eight" "$place_eight"
      bc_steady "$r" 1 "$one" "$place_one"
      bc_case "$r" 8
      bc_case "$r" 1
    fi
  done
  bc_table "$rounds"
}

# bc_ports_header WIDTH: "round shards" and the primaries' ports, each right-aligned in WIDTH: the
# header of a table with a column per primary.
bc_ports_header() {
  local p
  printf '%-5s %6s' round shards
  for p in "${bc_primaries[@]}"; do printf " %${1}s" ":$p"; done
  echo
}

# bc_table ROUNDS: prints the rows and the summary; sets bc_json. Per case a row of its own figures,
# then tables with a column per primary (its port), so that 8 or 16 primaries stay readable.
bc_table() {
  local n=${#bc_primaries[@]} row
  echo
  echo "steady: the reserve case ($bc_steady_seconds s, $connections connections, open / join / solo, stock that never sells out: no spill)"
  echo "on the first instance, first request -> MySQL held every order; per order: the busiest primary's CPU us and script us, all script calls"
  printf '%-5s %6s %7s %8s %7s %12s %15s %14s\n' round shards orders "orders/s" "p99 ms" "busiest CPU" "busiest script" "scripts/order"
  for row in "${bc_steady_rows[@]}"; do
    awk -v n="$n" '{
      max = 0; smax = 0; calls = 0
      for (i = 1; i <= n; i++) { calls += $(8 + 2 * n + i); c = ($3 > 0) ? $(6 + i) * 1e6 / $3 : 0; m = ($3 > 0) ? $(8 + n + i) * 1e3 / $3 : 0
        if (c > max) max = c; if (m > smax) smax = m }
      printf "%-5s %6s %7s %8.0f %7s %12.1f %15.1f %14.2f\n", $1, $2, $3, $4, $5, max, smax, ($3 > 0) ? calls / $3 : 0 }' <<<"$row"
  done
  echo "per primary, per order: CPU us / script us [buckets on it]"
  bc_ports_header 13
  for row in "${bc_steady_rows[@]}"; do
    awk -v n="$n" '{
      split($6, place, "/"); out = ""
      for (i = 1; i <= n; i++) { c = ($3 > 0) ? $(6 + i) * 1e6 / $3 : 0; m = ($3 > 0) ? $(8 + n + i) * 1e3 / $3 : 0
        out = out sprintf(" %13s", sprintf("%.1f/%.1f[%d]", c, m, place[i])) }
      printf "%-5s %6s%s\n", $1, $2, out }' <<<"$row"
  done
  local steady_ratio steady_script_ratio
  read -r steady_ratio steady_script_ratio <<<"$(printf '%s\n' "${bc_steady_rows[@]}" | awk -v n="$n" '{
      s = $2; o[s] += $3; max = 0; smax = 0
      for (i = 1; i <= n; i++) { if ($(6 + i) > max) max = $(6 + i); if ($(8 + n + i) > smax) smax = $(8 + n + i) }
      c[s] += max; m[s] += smax }
    END { a = (o[1] > 0) ? c[1] / o[1] : 0; b = (o[8] > 0) ? c[8] / o[8] : 0; x = (o[1] > 0) ? m[1] / o[1] : 0; y = (o[8] > 0) ? m[8] / o[8] : 0
      printf "%.2f %.2f\n", (b > 0) ? a / b : 0, (y > 0) ? x / y : 0 }')"
  echo "steady, busiest primary per order, 1 shard / 8 shards: CPU $steady_ratio, script time $steady_script_ratio"
  echo
  echo "spike"
  echo "Redis Cluster, ${n} primaries (${bc_primaries[*]}), $instances instance(s), $spike_buyers buyers, one request each, against $spike_stock units;"
  echo "each 8-shard activity's bucket b on primary b mod $n (scripts/cluster place); the 1-shard activity where its slot is;"
  echo "redis CPU s: each primary's redis-server (INFO CPU), first request -> MySQL held every order; busiest: the most of them;"
  echo "net: the same less the primary's CPU at rest over the case's time (the busiest by it); other: refused GROUP_IN_OTHER_SHARD"
  printf '%-5s %6s %9s %6s %5s %8s %7s %8s %8s %8s %6s %8s %7s %6s %6s\n' round shards instances buyers sold "buyers/s" "p50 ms" "p99 ms" \
    "sell-out" "persist" "other" busiest net "all" app
  for row in "${bc_rows[@]}"; do
    awk -v n="$n" -v inst="$instances" '{
      max = 0; net = 0; all = 0
      for (i = 1; i <= n; i++) { c = $(13 + i); all += c; if (c > max) max = c; if ($(15 + n + i) > net) net = $(15 + n + i) }
      printf "%-5s %6s %9s %6s %5s %8.0f %7s %8s %8s %8s %6s %8.3f %7.3f %6.3f %6.2f\n", $1, $2, inst, $3, $5, ($4 > 0) ? $3 * 1000 / $4 : 0,
        $6, $7, $8, $9, $10, max, net, all, $(14 + n) }' <<<"$row"
  done
  echo "per primary: redis CPU s / net s [buckets on it]"
  bc_ports_header 15
  for row in "${bc_rows[@]}"; do
    awk -v n="$n" '{
      split($13, place, "/"); out = ""
      for (i = 1; i <= n; i++) out = out sprintf(" %15s", sprintf("%.3f/%.3f[%d]", $(13 + i), $(15 + n + i), place[i]))
      printf "%-5s %6s%s\n", $1, $2, out }' <<<"$row"
  done
  echo
  echo "scripts (EVALSHA/EVAL): ms of Redis' time in them, the busiest primary's and all primaries'; per primary ms / calls [buckets on it]"
  printf '%-5s %6s %12s %10s %12s\n' round shards "busiest ms" "all ms" "all calls"
  for row in "${bc_rows[@]}"; do
    awk -v n="$n" '{
      max = 0; all = 0; calls = 0
      for (i = 1; i <= n; i++) { m = $(15 + 2 * n + i); all += m; calls += $(15 + 3 * n + i); if (m > max) max = m }
      printf "%-5s %6s %12.0f %10.0f %12d\n", $1, $2, max, all, calls }' <<<"$row"
  done
  bc_ports_header 13
  for row in "${bc_rows[@]}"; do
    awk -v n="$n" '{
      split($13, place, "/"); out = ""
      for (i = 1; i <= n; i++) out = out sprintf(" %13s", sprintf("%.0f/%d[%d]", $(15 + 2 * n + i), $(15 + 3 * n + i), place[i]))
      printf "%-5s %6s%s\n", $1, $2, out }' <<<"$row"
  done
  # Per shards value, over the rounds: buyers/s = all answered over all answering time, p99 the
  # worst round's, sell-out the mean, busiest primary and all primaries summed.
  local summary
  summary="$(printf '%s\n' "${bc_rows[@]}" | awk -v n="$n" '{
      s = $2; ans[s] += $3; ms[s] += $4; sold[s] += $5; if ($7 > p99[s]) p99[s] = $7; so[s] += $8; k[s]++
      over[s] += $11; lost[s] += $12; other[s] += $10
      max = 0; all = 0; net = 0
      for (i = 1; i <= n; i++) { c = $(13 + i); all += c; if (c > max) max = c; if ($(15 + n + i) > net) net = $(15 + n + i) }
      sm = 0; sa = 0; cm = 0; ca = 0
      for (i = 1; i <= n; i++) { m = $(15 + 2 * n + i); sa += m; if (m > sm) sm = m; c = $(15 + 3 * n + i); ca += c; if (c > cm) cm = c }
      busiest[s] += max; nets[s] += net; total[s] += all; app[s] += $(14 + n); sbusy[s] += sm; sall[s] += sa; cbusy[s] += cm; call[s] += ca }
    END { for (s in k) printf "%s %.0f %.2f %.0f %.3f %.3f %.3f %d %d %d %d %.3f %.0f %.0f %d %d\n", s, ans[s] * 1000 / ms[s], p99[s], so[s] / k[s],
      busiest[s], total[s], app[s], sold[s], over[s], lost[s], other[s], nets[s], sbusy[s], sall[s], cbusy[s], call[s] }' | sort -n)"
  local s1 s8 rps1 rps8 p991 p998 so1 so8 b1 b8 t1 t8 a1 a8 sold1 sold8 ov1 ov8 lost1 lost8 oth1 oth8 n1 n8 sb1 sb8 sa1 sa8
  local cb1 cb8 ca1 ca8
  read -r s1 rps1 p991 so1 b1 t1 a1 sold1 ov1 lost1 oth1 n1 sb1 sa1 cb1 ca1 <<<"$(sed -n 1p <<<"$summary")"
  read -r s8 rps8 p998 so8 b8 t8 a8 sold8 ov8 lost8 oth8 n8 sb8 sa8 cb8 ca8 <<<"$(sed -n 2p <<<"$summary")"
  local ratio net_ratio rps_ratio script_ratio
  script_ratio="$(awk -v a="$sb1" -v b="$sb8" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
  ratio="$(awk -v a="$b1" -v b="$b8" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
  net_ratio="$(awk -v a="$n1" -v b="$n8" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
  rps_ratio="$(awk -v a="$rps1" -v b="$rps8" 'BEGIN { printf "%.2f", (b > 0) ? b / a : 0 }')"
  echo
  echo "busiest primary's CPU, 1 shard / 8 shards: $ratio ($b1 s / $b8 s over $1 round(s)); net of rest $net_ratio ($n1 s / $n8 s)"
  echo "busiest primary's script time, 1 shard / 8 shards: $script_ratio ($sb1 ms / $sb8 ms); all primaries' $sa1 ms / $sa8 ms"
  echo "script calls, 1 shard / 8 shards: busiest primary $cb1 / $cb8, all primaries $ca1 / $ca8"
  echo "CPU of all primaries $t1 s / $t8 s; app $a1 s / $a8 s"
  echo "buyers/s 8 shards / 1 shard: $rps_ratio ($rps8 / $rps1); worst p99 $p991 / $p998 ms; mean sell-out $so1 / $so8 ms"
  echo "sold $sold1 / $sold8 of $(($1 * spike_stock)) each; oversold $ov1 / $ov8; lost $lost1 / $lost8; refused GROUP_IN_OTHER_SHARD $oth1 / $oth8"
  echo "verifier: $([[ "$bc_verify_rc" == 0 ]] && echo "every case clean" || echo "VIOLATIONS (exit $bc_verify_rc)")"
  bc_app_log_check
  bc_json="$(printf '{"cluster":true,"primaries":%s,"shards8_buckets_per_primary":"%s","steady_busiest_cpu_per_order_ratio":%s,"steady_busiest_script_per_order_ratio":%s,"instances":%s,"rounds":%s,"spike_buyers":%s,"spike_stock":%s,"shards1_buyers_per_s":%s,"shards8_buyers_per_s":%s,"shards1_p99_ms":%s,"shards8_p99_ms":%s,"shards1_sellout_ms":%s,"shards8_sellout_ms":%s,"shards1_busiest_primary_cpu_s":%s,"shards8_busiest_primary_cpu_s":%s,"busiest_primary_cpu_ratio":%s,"busiest_primary_net_cpu_ratio":%s,"busiest_primary_script_ms_ratio":%s,"shards1_busiest_script_ms":%s,"shards8_busiest_script_ms":%s,"shards1_busiest_script_calls":%s,"shards8_busiest_script_calls":%s,"shards1_primaries_cpu_s":%s,"shards8_primaries_cpu_s":%s,"shards1_sold":%s,"shards8_sold":%s,"oversold":%s,"lost":%s,"verified":%s,"app_log_errors":%s}' \
    "$n" "$bc_placed8" "$steady_ratio" "$steady_script_ratio" "$instances" "$1" "$spike_buyers" "$spike_stock" "$rps1" "$rps8" "$p991" "$p998" "$so1" "$so8" "$b1" "$b8" "$ratio" "$net_ratio" "$script_ratio" "$sb1" "$sb8" "$cb1" "$cb8" "$t1" "$t8" \
    "$sold1" "$sold8" "$((ov1 + ov8))" "$((lost1 + lost8))" "$([[ "$bc_verify_rc" == 0 ]] && echo true || echo false)" "$bc_log_errors")"
}
