# shellcheck shell=bash
# Starts and stops one flashgroup instance with its own database, Redis namespace and queue
# names, for scripts/test, scripts/loadtest and scripts/bench. Source after services.sh.
#
#   fg_app_start RUN_ID PORT LOG [JAVA_OPTS...]   exports the FLASHGROUP_* variables of the run;
#                                                 FG_APP_INSTANCE=2 names a further instance of the
#                                                 same run (its relay consumer relay-RUN_ID-2)
#   fg_app_stop                                   graceful stop (SIGTERM, then SIGKILL after 20 s)
#   fg_app_remove RUN_ID                          drops the run's database, keys and queues
#   fg_free_port FROM TO                          prints the first port nobody listens on

FG_APP_JAR="${FG_APP_JAR:-api/target/flashgroup-api-0.1.0-SNAPSHOT.jar}"
fg_app_pid=''

fg_free_port() {
  local p
  for ((p = $1; p <= $2; p++)); do
    if ! fg_tcp_open 127.0.0.1 "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

fg_app_start() {
  local run_id="$1" port="$2" log="$3"
  shift 3
  # Profile dev: these runs sign their tokens with the built-in key (outside dev it stops start-up).
  # Load tests send every buyer from this one address: the per-address limit is off unless the
  # caller asks for it (scripts/bench runs it on, with a ceiling no round reaches, to price it).
  export FLASHGROUP_DB_NAME="fg_${run_id}" SERVER_PORT="$port" FLASHGROUP_REDIS_NAMESPACE="$run_id" \
    FLASHGROUP_MESSAGING_PREFIX="$run_id" FLASHGROUP_RELAY_CONSUMER_NAME="relay-$run_id${FG_APP_INSTANCE:+-$FG_APP_INSTANCE}" \
    FLASHGROUP_API_URL="http://localhost:$port" \
    FLASHGROUP_CLIENT_LIMITS_ENABLED="${FLASHGROUP_CLIENT_LIMITS_ENABLED:-false}" \
    SPRING_PROFILES_ACTIVE="${SPRING_PROFILES_ACTIVE:-dev}"
  [[ -f "$FG_APP_JAR" ]] || { fg_error "$FG_APP_JAR is missing; build it with mvn -B -DskipTests -pl api -am package"; return 1; }
  java "$@" -jar "$FG_APP_JAR" >>"$log" 2>&1 &
  fg_app_pid=$!
  local i
  for ((i = 0; i < 240; i++)); do
    if ! kill -0 "$fg_app_pid" 2>/dev/null; then
      break
    fi
    # The answer must come from this run's process: another instance that took the port between
    # fg_free_port and our start would otherwise serve the run against its own database.
    # Readiness, not liveness: it comes after the start-up rehearsal of the opening (docs/performance.md),
    # so a benchmark or load test never meets a JVM the rehearsal has not warmed yet.
    if grep -q "started on port $port" "$log" && curl -fs "localhost:$port/actuator/health/readiness" >/dev/null 2>&1; then
      fg_ok "flashgroup $run_id answers on :$port (pid $fg_app_pid, after $((i / 2)) s)"
      return 0
    fi
    ((i > 0 && i % 20 == 0)) && fg_info "  ... flashgroup $run_id still starting on :$port ($((i / 2)) s)"
    sleep 0.5
  done
  fg_error "the application did not start on :$port; the end of its log ($log):"
  tail -40 "$log" >&2
  return 1
}

fg_app_stop() {
  [[ -n "$fg_app_pid" ]] || return 0
  kill "$fg_app_pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 40; i++)); do
    kill -0 "$fg_app_pid" 2>/dev/null || { fg_app_pid=''; return 0; }
    sleep 0.5
  done
  kill -9 "$fg_app_pid" 2>/dev/null || true
  fg_app_pid=''
}

fg_app_remove() {
  local run_id="$1" client
  client="$(command -v mariadb || command -v mysql || true)"
  if [[ -n "$client" ]]; then
    "$client" -h"${FLASHGROUP_DB_HOST:-127.0.0.1}" -P"${FLASHGROUP_DB_PORT:-3306}" -u"${FLASHGROUP_DB_USER:-root}" \
      ${FLASHGROUP_DB_PASSWORD:+-p"$FLASHGROUP_DB_PASSWORD"} -e "DROP DATABASE IF EXISTS fg_${run_id}" >/dev/null 2>&1 || true
  fi
  redis-cli --scan --pattern "${run_id}:*" 2>/dev/null | xargs -r redis-cli del >/dev/null 2>&1 || true
  if command -v rabbitmqctl >/dev/null 2>&1; then
    local q
    for q in orders refunds reminders dead-letters; do rabbitmqctl -q delete_queue "$run_id.$q" >/dev/null 2>&1 || true; done
    for q in events dead; do
      rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$run_id.$q\">>), false, <<\"flashgroup\">>)." >/dev/null 2>&1 || true
    done
  fi
}

# fg_mint_tokens COUNT SUBJECT FILE: one CUSTOMER token a line for SUBJECT-1..SUBJECT-COUNT.
fg_mint_tokens() {
  FLASHGROUP_TOKEN_COUNT="$1" java scripts/TokenMint.java CUSTOMER "$2" 2>/dev/null >"$3"
}

# fg_schedule_activity JSON: prints the new activity's id (merchant API, token minted here).
fg_schedule_activity() {
  local merchant body
  merchant="$(java scripts/TokenMint.java MERCHANT "${FG_MERCHANT:-bench-shop}" 2>/dev/null | tail -1)"
  body="$(curl -sS -w '\n%{http_code}' -X POST "localhost:$SERVER_PORT/api/v1/merchant/activities" \
    -H "Authorization: Bearer $merchant" -H 'Content-Type: application/json' -d "$1")" || body=$'\n000'
  if [[ "${body##*$'\n'}" != 201 ]]; then
    fg_error "scheduling failed (${body##*$'\n'}): ${body%$'\n'*}"
    return 1
  fi
  sed -E 's/.*"id":([0-9]+).*/\1/' <<<"${body%$'\n'*}"
}

# fg_iso OFFSET: an ISO-8601 UTC instant, e.g. fg_iso '+2 seconds'.
fg_iso() {
  date -u -d "$1" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# fg_loadtest_classpath: prints the classpath of the loadtest module's tools (the verifier, the
# drill's redelivery), building it first when a source changed. The verifier takes the key names
# from the engine's classes (RedisKeys), so the engine is built too.
fg_loadtest_classpath() {
  local cp_file=loadtest/target/verifier.classpath
  if [[ ! -f "$cp_file" || -n "$(find loadtest/src/main loadtest/pom.xml engine/src/main/java -newer "$cp_file" -type f 2>/dev/null | head -1)" ]]; then
    echo "building the loadtest tools (verifier, redelivery)" >&2
    "${MVN:-mvn}" -B -q -pl loadtest -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/verifier.classpath >&2 || return 1
  fi
  printf '%s' "loadtest/target/classes:$(cat "$cp_file")"
}
