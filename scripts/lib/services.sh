#!/usr/bin/env bash
# Makes sure the services flashgroup needs answer: MariaDB/MySQL, Redis and RabbitMQ.
#
# Source it and call the functions:
#   . scripts/lib/services.sh
#   ensure_services            # check, start, or (as root on Debian) install them
#   ensure_database flashgroup # CREATE DATABASE IF NOT EXISTS
#   ensure_cjk_font            # a font with Chinese glyphs for the posters (fonts-noto-cjk)
# or run it directly: `scripts/lib/services.sh [DATABASE]` runs ensure_services (and
# ensure_database when DATABASE is given).
#
# Order for a service that does not answer:
#   1. installed here -> start it (no systemd: start-stop-daemon / --daemonize / -detached)
#   2. a working Docker engine -> `docker compose up -d` the missing ones (docker-compose.yml)
#   3. root on Debian/Ubuntu -> apt-get install, then start as in 1
#   4. otherwise explain what is missing and fail
# A service configured on another host (or on a non-default port) is only checked, never
# started or installed.
#
# Environment (same names as the application's):
#   FLASHGROUP_DB_HOST (127.0.0.1)  FLASHGROUP_DB_PORT (3306)
#   FLASHGROUP_DB_USER (root)       FLASHGROUP_DB_PASSWORD (empty)
#   FLASHGROUP_REDIS_HOST (127.0.0.1) FLASHGROUP_REDIS_PORT (6379) FLASHGROUP_REDIS_PASSWORD (empty)
#   FLASHGROUP_MESSAGING_HOST (localhost) FLASHGROUP_MESSAGING_PORT (5672)
#   FLASHGROUP_SERVICES_TIMEOUT     seconds to wait for a started service (60; 180 with Docker)
#   FLASHGROUP_SERVICES_NO_INSTALL=1 never apt-get install anything
#
# Written to work both with and without `set -e` in the caller: every step checks its own
# result (a function called from `if`/`||` runs with errexit off).

if [[ -n "${_FLASHGROUP_SERVICES_SH:-}" ]]; then
  # shellcheck disable=SC2317
  return 0 2>/dev/null || exit 0
fi
_FLASHGROUP_SERVICES_SH=1

_FG_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FLASHGROUP_ROOT="${FLASHGROUP_ROOT:-$(cd "$_FG_LIB_DIR/../.." && pwd)}"

# ---------------------------------------------------------------------------------------------
# output

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _fg_c_ok=$'\e[32m' _fg_c_warn=$'\e[33m' _fg_c_err=$'\e[31m' _fg_c_dim=$'\e[2m' _fg_c_off=$'\e[0m'
else
  _fg_c_ok='' _fg_c_warn='' _fg_c_err='' _fg_c_dim='' _fg_c_off=''
fi

fg_info() { printf '%s==>%s %s\n' "$_fg_c_dim" "$_fg_c_off" "$*" >&2; }
fg_ok() { printf '%s ok%s %s\n' "$_fg_c_ok" "$_fg_c_off" "$*" >&2; }
fg_warn() { printf '%swarn%s %s\n' "$_fg_c_warn" "$_fg_c_off" "$*" >&2; }
fg_error() { printf '%serror%s %s\n' "$_fg_c_err" "$_fg_c_off" "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# configuration

_fg_db_host() { printf '%s' "${FLASHGROUP_DB_HOST:-127.0.0.1}"; }
_fg_db_port() { printf '%s' "${FLASHGROUP_DB_PORT:-3306}"; }
_fg_db_user() { printf '%s' "${FLASHGROUP_DB_USER:-root}"; }
_fg_redis_host() { printf '%s' "${FLASHGROUP_REDIS_HOST:-127.0.0.1}"; }
_fg_redis_port() { printf '%s' "${FLASHGROUP_REDIS_PORT:-6379}"; }
_fg_mq_host() { printf '%s' "${FLASHGROUP_MESSAGING_HOST:-localhost}"; }
_fg_mq_port() { printf '%s' "${FLASHGROUP_MESSAGING_PORT:-5672}"; }

# The host part as a TCP client should dial it (localhost -> 127.0.0.1, so that the
# MariaDB client does not switch to the Unix socket and /dev/tcp does not try ::1 first).
_fg_dial_host() {
  case "$1" in
    localhost | '') printf '127.0.0.1' ;;
    *) printf '%s' "$1" ;;
  esac
}

_fg_is_local_host() {
  case "$1" in
    '' | localhost | 127.* | ::1 | '[::1]' | 0.0.0.0) return 0 ;;
    *) return 1 ;;
  esac
}

# svc -> "host port"
_fg_endpoint() {
  case "$1" in
    db) printf '%s %s' "$(_fg_db_host)" "$(_fg_db_port)" ;;
    redis) printf '%s %s' "$(_fg_redis_host)" "$(_fg_redis_port)" ;;
    mq) printf '%s %s' "$(_fg_mq_host)" "$(_fg_mq_port)" ;;
  esac
}

_fg_default_port() {
  case "$1" in db) echo 3306 ;; redis) echo 6379 ;; mq) echo 5672 ;; esac
}

_fg_name() {
  case "$1" in db) echo "MariaDB/MySQL" ;; redis) echo "Redis" ;; mq) echo "RabbitMQ" ;; esac
}

_fg_env_prefix() {
  case "$1" in db) echo FLASHGROUP_DB ;; redis) echo FLASHGROUP_REDIS ;; mq) echo FLASHGROUP_MESSAGING ;; esac
}

_fg_compose_service() {
  case "$1" in db) echo mysql ;; redis) echo redis ;; mq) echo rabbitmq ;; esac
}

_fg_apt_package() {
  case "$1" in db) echo mariadb-server ;; redis) echo redis-server ;; mq) echo rabbitmq-server ;; esac
}

# May we start/install this service here? Only when it is configured on this machine on its
# default port (the local daemons listen on the default ports).
_fg_is_managed() {
  local host port
  read -r host port <<<"$(_fg_endpoint "$1")"
  _fg_is_local_host "$host" && [[ "$port" == "$(_fg_default_port "$1")" ]]
}

_fg_have() { command -v "$1" >/dev/null 2>&1; }

_fg_is_root() { [[ "$(id -u)" == 0 ]]; }

# ---------------------------------------------------------------------------------------------
# probes: each returns 0 when the service answers

# Plain TCP connect with bash's /dev/tcp, 2 s at most.
fg_tcp_open() {
  local host port
  host="$(_fg_dial_host "$1")"
  port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
}

# The MariaDB/MySQL client binary ("mariadb" or "mysql"), empty when none.
_fg_sql_client() {
  if _fg_have mariadb; then echo mariadb; elif _fg_have mysql; then echo mysql; fi
}

_fg_sql_admin() {
  if _fg_have mariadb-admin; then echo mariadb-admin; elif _fg_have mysqladmin; then echo mysqladmin; fi
}

# Runs the SQL client over TCP with the configured credentials; extra args follow.
_fg_sql_tcp() {
  local client host port user
  client="$(_fg_sql_client)"
  [[ -n "$client" ]] || return 127
  host="$(_fg_dial_host "$(_fg_db_host)")"
  port="$(_fg_db_port)"
  user="$(_fg_db_user)"
  if [[ -n "${FLASHGROUP_DB_PASSWORD:-}" ]]; then
    MYSQL_PWD="$FLASHGROUP_DB_PASSWORD" "$client" --protocol=TCP -h "$host" -P "$port" -u "$user" \
      --connect-timeout=5 "$@"
  else
    "$client" --protocol=TCP -h "$host" -P "$port" -u "$user" --connect-timeout=5 "$@"
  fi
}

_fg_probe_db() {
  local host port admin
  read -r host port <<<"$(_fg_endpoint db)"
  admin="$(_fg_sql_admin)"
  if [[ -n "$admin" ]]; then
    # `ping` succeeds as soon as the server answers, even when the credentials are wrong;
    # the login itself is checked later by _fg_ensure_db_login.
    local out
    if out="$("$admin" --protocol=TCP -h "$(_fg_dial_host "$host")" -P "$port" -u "$(_fg_db_user)" \
      --connect-timeout=2 ping 2>&1)"; then
      return 0
    fi
    # A server that rejects the login (1045/1698 access denied, 1130 host not allowed) is up.
    case "$out" in
      *1045* | *1698* | *1130* | *"Access denied"* | *"not allowed to connect"*) return 0 ;;
      *) return 1 ;;
    esac
  else
    fg_tcp_open "$host" "$port"
  fi
}

_fg_probe_redis() {
  local host port out
  read -r host port <<<"$(_fg_endpoint redis)"
  if _fg_have redis-cli; then
    local -a auth_env=()
    [[ -n "${FLASHGROUP_REDIS_PASSWORD:-}" ]] && auth_env=("REDISCLI_AUTH=$FLASHGROUP_REDIS_PASSWORD")
    out="$(env "${auth_env[@]+"${auth_env[@]}"}" timeout 3 redis-cli --no-auth-warning \
      -h "$(_fg_dial_host "$host")" -p "$port" ping 2>&1)" || true
    case "$out" in
      PONG) return 0 ;;
      *NOAUTH* | *WRONGPASS* | *"invalid password"* | *"without any password configured"*)
        fg_warn "Redis at $host:$port answers but refuses the configured password: $out"
        return 0 ;;
      *) return 1 ;;
    esac
  else
    fg_tcp_open "$host" "$port"
  fi
}

# Sends the AMQP 0-9-1 protocol header and expects a method frame (Connection.Start) back.
_fg_amqp_handshake() {
  local host port
  host="$(_fg_dial_host "$1")"
  port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "AMQP\x00\x00\x09\x01" >&3
    first="$(head -c 4 <&3 | od -An -tx1 | tr -d " \n")"
    [[ "$first" == 01* || "$first" == 414d5150* ]]' _ "$host" "$port" >/dev/null 2>&1
}

_fg_probe_mq() {
  local host port
  read -r host port <<<"$(_fg_endpoint mq)"
  if _fg_is_managed mq && _fg_have rabbitmq-diagnostics; then
    # Needs the node's Erlang cookie (root or the rabbitmq user); fall back to a handshake.
    if timeout 15 rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then
      return 0
    fi
  fi
  _fg_amqp_handshake "$host" "$port"
}

fg_probe() {
  case "$1" in
    db) _fg_probe_db ;;
    redis) _fg_probe_redis ;;
    mq) _fg_probe_mq ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# local start (no systemd)

_fg_mariadbd_bin() {
  local b
  for b in /usr/sbin/mariadbd /usr/sbin/mysqld /usr/local/sbin/mariadbd /usr/local/bin/mariadbd; do
    [[ -x "$b" ]] && { echo "$b"; return 0; }
  done
  if _fg_have mariadbd; then command -v mariadbd; return 0; fi
  return 1
}

_fg_redis_bin() { command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; }; }

_fg_rabbit_bin() {
  command -v rabbitmq-server 2>/dev/null || { [[ -x /usr/sbin/rabbitmq-server ]] && echo /usr/sbin/rabbitmq-server; }
}

_fg_is_installed() {
  case "$1" in
    db) _fg_mariadbd_bin >/dev/null ;;
    redis) [[ -n "$(_fg_redis_bin)" ]] ;;
    mq) [[ -n "$(_fg_rabbit_bin)" ]] ;;
  esac
}

_fg_start_db() {
  local bin
  bin="$(_fg_mariadbd_bin)" || { fg_error "no mariadbd/mysqld binary found"; return 1; }
  if [[ ! -d /var/lib/mysql/mysql ]]; then
    if ! _fg_have mariadb-install-db; then
      fg_error "/var/lib/mysql holds no system tables and mariadb-install-db is missing"
      return 1
    fi
    fg_info "initialising the MariaDB data directory /var/lib/mysql"
    mkdir -p /var/lib/mysql || return 1
    if ! mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/tmp/flashgroup-mariadb-install.log 2>&1; then
      fg_error "mariadb-install-db failed; see /tmp/flashgroup-mariadb-install.log"
      return 1
    fi
  fi
  mkdir -p /run/mysqld || return 1
  if id mysql >/dev/null 2>&1; then
    chown mysql:mysql /run/mysqld || return 1
  fi
  fg_info "starting MariaDB ($bin)"
  if _fg_have start-stop-daemon; then
    start-stop-daemon --start --oknodo --background --exec "$bin" || return 1
  else
    nohup "$bin" --user=mysql >/tmp/flashgroup-mariadb.log 2>&1 &
  fi
}

_fg_start_redis() {
  local bin
  bin="$(_fg_redis_bin)" || true
  [[ -n "$bin" ]] || { fg_error "no redis-server binary found"; return 1; }
  mkdir -p /var/lib/redis /var/log/redis || return 1
  fg_info "starting Redis ($bin)"
  "$bin" --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

_fg_start_mq() {
  local bin
  bin="$(_fg_rabbit_bin)" || true
  [[ -n "$bin" ]] || { fg_error "no rabbitmq-server binary found"; return 1; }
  fg_info "starting RabbitMQ ($bin -detached)"
  "$bin" -detached
}

_fg_start_local() {
  case "$1" in
    db) _fg_start_db ;;
    redis) _fg_start_redis ;;
    mq) _fg_start_mq ;;
  esac
}

_fg_log_hint() {
  case "$1" in
    db) echo "MariaDB log: /var/log/mysql/error.log (or syslog); try: $(_fg_mariadbd_bin 2>/dev/null || echo mariadbd) --user=mysql in a terminal" ;;
    redis) echo "Redis log: /var/log/redis/ci.log" ;;
    mq) echo "RabbitMQ logs: /var/log/rabbitmq/; try: rabbitmq-diagnostics status" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# waiting

# fg_wait_for TIMEOUT_SECONDS SVC... ; polls every 0.5 s, prints progress every 5 s.
fg_wait_for() {
  local timeout="$1"
  shift
  local -a pending=("$@") still=()
  local start now elapsed last_report=0 svc host port
  start="$(date +%s)"
  fg_info "waiting up to ${timeout}s for: $(for s in "${pending[@]}"; do printf '%s ' "$(_fg_name "$s")"; done)"
  while ((${#pending[@]} > 0)); do
    still=()
    for svc in "${pending[@]}"; do
      if fg_probe "$svc"; then
        read -r host port <<<"$(_fg_endpoint "$svc")"
        now="$(date +%s)"
        fg_ok "$(_fg_name "$svc") answers on $host:$port (after $((now - start))s)"
      else
        still+=("$svc")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    now="$(date +%s)"
    elapsed=$((now - start))
    if ((elapsed >= timeout)); then
      for svc in "${pending[@]}"; do
        read -r host port <<<"$(_fg_endpoint "$svc")"
        fg_error "$(_fg_name "$svc") did not answer on $host:$port within ${timeout}s. $(_fg_log_hint "$svc")"
      done
      return 1
    fi
    if ((elapsed - last_report >= 5)); then
      last_report=$elapsed
      fg_info "  ... ${elapsed}s, still waiting for: $(for s in "${pending[@]}"; do printf '%s ' "$(_fg_name "$s")"; done)"
    fi
    sleep 0.5
  done
  return 0
}

# ---------------------------------------------------------------------------------------------
# Docker and apt fall-backs

# Prints the compose command ("docker compose" or "docker-compose") when a Docker engine works.
_fg_compose_cmd() {
  _fg_have docker || return 1
  timeout 10 docker info >/dev/null 2>&1 || return 1
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
  elif _fg_have docker-compose; then
    echo "docker-compose"
  else
    return 1
  fi
}

_fg_compose_up() {
  local compose="$1"
  shift
  local -a services=() cmd=()
  local svc
  for svc in "$@"; do services+=("$(_fg_compose_service "$svc")"); done
  read -r -a cmd <<<"$compose"
  if [[ ! -f "$FLASHGROUP_ROOT/docker-compose.yml" ]]; then
    fg_error "$FLASHGROUP_ROOT/docker-compose.yml is missing"
    return 1
  fi
  fg_info "starting with Docker: ${cmd[*]} up -d ${services[*]}"
  (cd "$FLASHGROUP_ROOT" && "${cmd[@]}" -f docker-compose.yml up -d "${services[@]}")
}

_fg_can_apt() {
  [[ -z "${FLASHGROUP_SERVICES_NO_INSTALL:-}" ]] && _fg_is_root && _fg_have apt-get
}

_fg_apt_install() {
  local -a pkgs=()
  local svc
  for svc in "$@"; do pkgs+=("$(_fg_apt_package "$svc")"); done
  _fg_apt_get_install "${pkgs[@]}"
}

# apt-get install of Debian packages by name (no services started by their scripts).
_fg_apt_get_install() {
  local -a pkgs=("$@")
  fg_info "installing with apt-get: ${pkgs[*]} (set FLASHGROUP_SERVICES_NO_INSTALL=1 to forbid)"
  if ! apt-get update; then
    fg_error "apt-get update failed"
    return 1
  fi
  # policy-rc.d 101: do not let the packages try to start services (there is no init system).
  local policy=/usr/sbin/policy-rc.d created_policy=''
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" || rc=$?
  [[ -n "$created_policy" ]] && rm -f "$policy"
  if ((rc != 0)); then
    fg_error "apt-get install ${pkgs[*]} failed (exit $rc)"
    return 1
  fi
}

_fg_explain_missing() {
  local svc
  fg_error "cannot provide these services automatically:"
  for svc in "$@"; do
    fg_error "  - $(_fg_name "$svc") on $(_fg_endpoint "$svc" | tr ' ' ':') (not installed here)"
  done
  cat >&2 <<EOF

Pick one:
  * Debian/Ubuntu, as root:
      apt-get update && apt-get install -y --no-install-recommends redis-server mariadb-server rabbitmq-server
    then run this script again (it starts them; no systemd needed).
  * Docker: start a Docker engine (docker info must work) and run
      docker compose up -d mysql redis rabbitmq
  * Services elsewhere: point the application at them with
      FLASHGROUP_DB_HOST/PORT/USER/PASSWORD, FLASHGROUP_REDIS_HOST/PORT/PASSWORD,
      FLASHGROUP_MESSAGING_HOST/PORT
EOF
}

# ---------------------------------------------------------------------------------------------
# MariaDB login

# Makes root log in over TCP (127.0.0.1) with an empty password. Debian's MariaDB gives
# root@localhost unix_socket authentication only; this adds an empty native password next to
# it (so `sudo mariadb` keeps working), and adds root@127.0.0.1 when skip-name-resolve is on.
_fg_ensure_db_login() {
  local client err
  client="$(_fg_sql_client)"
  if [[ -z "$client" ]]; then
    fg_warn "no mariadb/mysql client installed: cannot check the database login"
    return 0
  fi
  if err="$(_fg_sql_tcp -e 'SELECT 1' 2>&1 >/dev/null)"; then
    return 0
  fi
  local user
  user="$(_fg_db_user)"
  if ! _fg_is_managed db || [[ "$user" != root || -n "${FLASHGROUP_DB_PASSWORD:-}" ]]; then
    fg_error "cannot log in to $(_fg_db_host):$(_fg_db_port) as '$user': $err"
    fg_error "check FLASHGROUP_DB_USER / FLASHGROUP_DB_PASSWORD"
    return 1
  fi
  fg_info "root cannot log in over TCP without a password ($err); fixing it through the Unix socket"
  if ! _fg_is_root; then
    fg_error "run this once as root (or with sudo) so it can use MariaDB's unix_socket login, or run:"
    fg_error "  sudo mariadb -e \"ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket\""
    return 1
  fi
  if ! "$client" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    fg_error "root cannot log in through the Unix socket either; fix the root account by hand"
    return 1
  fi
  local sql
  if "$client" -uroot -N -e 'SELECT VERSION()' 2>/dev/null | grep -qi mariadb; then
    sql="ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;"
  else
    sql="ALTER USER root@localhost IDENTIFIED BY '';"
  fi
  "$client" -uroot -e "$sql FLUSH PRIVILEGES;" || return 1
  if _fg_sql_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    fg_ok "root@localhost now logs in over TCP with an empty password"
    return 0
  fi
  # With skip-name-resolve, 127.0.0.1 does not match 'localhost'.
  "$client" -uroot -e "CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" || return 1
  if err="$(_fg_sql_tcp -e 'SELECT 1' 2>&1 >/dev/null)"; then
    fg_ok "root@127.0.0.1 created with an empty password"
    return 0
  fi
  fg_error "root still cannot log in over TCP: $err"
  return 1
}

# ---------------------------------------------------------------------------------------------
# public API

# ensure_services: returns 0 when MariaDB/MySQL, Redis and RabbitMQ all answer.
ensure_services() {
  local svc host port
  local -a down=() unmanaged=() to_start=() not_installed=() started=()
  local timeout="${FLASHGROUP_SERVICES_TIMEOUT:-60}"

  if ! [[ "$timeout" =~ ^[0-9]+$ ]]; then
    fg_error "FLASHGROUP_SERVICES_TIMEOUT must be a number of seconds, got '$timeout'"
    return 1
  fi

  fg_info "checking services"
  for svc in db redis mq; do
    read -r host port <<<"$(_fg_endpoint "$svc")"
    if fg_probe "$svc"; then
      fg_ok "$(_fg_name "$svc") answers on $host:$port"
    else
      fg_warn "$(_fg_name "$svc") does not answer on $host:$port"
      down+=("$svc")
    fi
  done

  for svc in "${down[@]+"${down[@]}"}"; do
    if ! _fg_is_managed "$svc"; then
      unmanaged+=("$svc")
    elif _fg_is_installed "$svc"; then
      to_start+=("$svc")
    else
      not_installed+=("$svc")
    fi
  done

  if ((${#unmanaged[@]} > 0)); then
    for svc in "${unmanaged[@]}"; do
      read -r host port <<<"$(_fg_endpoint "$svc")"
      fg_error "$(_fg_name "$svc") is configured at $host:$port ($(_fg_env_prefix "$svc")_HOST/_PORT);" \
        "it is not started or installed from here: start it there, or unset those variables to use a local one"
    done
    return 1
  fi

  # Not installed here: Docker first, then apt-get as root.
  if ((${#not_installed[@]} > 0)); then
    local compose
    if compose="$(_fg_compose_cmd)"; then
      _fg_compose_up "$compose" "${not_installed[@]}" || { fg_error "docker compose up failed"; return 1; }
      started+=("${not_installed[@]}")
      timeout="${FLASHGROUP_SERVICES_TIMEOUT:-180}"
    elif _fg_can_apt; then
      _fg_apt_install "${not_installed[@]}" || return 1
      to_start+=("${not_installed[@]}")
    else
      _fg_explain_missing "${not_installed[@]}"
      return 1
    fi
  fi

  if ((${#to_start[@]} > 0)) && ! _fg_is_root; then
    fg_warn "not running as root: starting services may fail for lack of permissions"
  fi
  for svc in "${to_start[@]+"${to_start[@]}"}"; do
    if ! _fg_start_local "$svc"; then
      fg_error "could not start $(_fg_name "$svc"). $(_fg_log_hint "$svc")"
      return 1
    fi
    started+=("$svc")
  done

  if ((${#started[@]} > 0)); then
    fg_wait_for "$timeout" "${started[@]}" || return 1
  fi

  _fg_ensure_db_login || return 1
  fg_ok "all services answer"
  return 0
}

# ensure_database NAME: CREATE DATABASE IF NOT EXISTS NAME (utf8mb4).
ensure_database() {
  local name="${1:-}"
  if [[ -z "$name" ]]; then
    fg_error "usage: ensure_database NAME"
    return 2
  fi
  if ! [[ "$name" =~ ^[A-Za-z0-9_]{1,64}$ ]]; then
    fg_error "database name '$name' must be 1-64 characters of [A-Za-z0-9_]"
    return 2
  fi
  local sql="CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4"
  local err
  if [[ -n "$(_fg_sql_client)" ]]; then
    if err="$(_fg_sql_tcp -e "$sql" 2>&1)"; then
      fg_ok "database '$name' exists on $(_fg_db_host):$(_fg_db_port)"
      return 0
    fi
    fg_error "could not create database '$name' on $(_fg_db_host):$(_fg_db_port) as '$(_fg_db_user)': $err"
    return 1
  fi
  # No client on this machine: try the compose container, else leave it to Flyway.
  local compose
  if compose="$(_fg_compose_cmd)"; then
    local -a cmd=()
    read -r -a cmd <<<"$compose"
    if (cd "$FLASHGROUP_ROOT" && "${cmd[@]}" -f docker-compose.yml exec -T mysql mysql -uroot -e "$sql") 2>/dev/null; then
      fg_ok "database '$name' exists (via the compose mysql container)"
      return 0
    fi
  fi
  fg_warn "no mariadb/mysql client installed: not creating '$name' here;" \
    "the application's Flyway URL has createDatabaseIfNotExist=true and will create it"
  return 0
}

# ---------------------------------------------------------------------------------------------
# A font with Chinese glyphs

# Posters and share cards draw Chinese titles and labels (PosterFonts picks a CJK-capable font).
# When fontconfig knows no font for Chinese (`fc-list :lang=zh` prints nothing), installs Debian's
# fonts-noto-cjk the way the services are installed (root, apt-get; FLASHGROUP_SERVICES_NO_INSTALL=1
# forbids it). Fails with the command to run when it cannot.
fg_has_cjk_font() {
  _fg_have fc-list && [[ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]]
}

# The font fontconfig picks for Simplified Chinese sans-serif text (what the posters look for first).
_fg_cjk_font_name() {
  fc-match -f '%{family[0]}' 'sans-serif:lang=zh-cn' 2>/dev/null || fc-list :lang=zh family | head -n 1
}

ensure_cjk_font() {
  if fg_has_cjk_font; then
    fg_ok "a font for Chinese: $(_fg_cjk_font_name)"
    return 0
  fi
  if _fg_can_apt; then
    fg_info "no font for Chinese (fc-list :lang=zh is empty): installing fonts-noto-cjk"
    # fontconfig brings fc-list and fc-cache; the JDK finds the fonts through it.
    if _fg_apt_get_install fontconfig fonts-noto-cjk && fg_has_cjk_font; then
      fg_ok "installed fonts-noto-cjk: $(_fg_cjk_font_name)"
      return 0
    fi
  fi
  fg_error "no font for Chinese: posters would show empty boxes; install one with"
  fg_error "  apt-get update && apt-get install -y --no-install-recommends fontconfig fonts-noto-cjk"
  return 1
}

# Run directly: ensure_services [+ ensure_database NAME].
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  ensure_services
  if (($# > 0)); then
    ensure_database "$1"
  fi
fi
