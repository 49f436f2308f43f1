#!/usr/bin/env bash
# The city deployment on this machine: one PostgreSQL, two app servers and HAProxy in front,
# every one of them listening on 127.0.0.1 only.
#
#   bash deploy/local.sh up      start all of it; ends by printing LCITY_DATABASE_URL=<url> and the proxy's URL
#   bash deploy/local.sh status  which processes run, and which app servers the proxy sees up
#   bash deploy/local.sh down    stop everything `up` started (the data stays in the state dir)
#
# Settings (environment, all optional):
#   LCITY_DEPLOY_STATE  state dir: database cluster, secrets, pid files, logs (default var/deploy)
#   LCITY_PROXY_PORT, LCITY_APP1_PORT, LCITY_APP2_PORT, LCITY_PG_PORT  (default 8500, 8501, 8502, 55432)
#   LCITY_PYTHON        the Python with the app installed (default .venv/bin/python)
# Needs Debian's postgresql and haproxy (`bash scripts/setup.sh test` installs both).
# Throw the local city away with `bash deploy/local.sh down && rm -rf var/deploy`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${LCITY_DEPLOY_STATE:-$ROOT/var/deploy}"
PYTHON="${LCITY_PYTHON:-$ROOT/.venv/bin/python}"
HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"
HOST=127.0.0.1  # loopback only: this is a trial city on one machine

die() { echo "deploy/local.sh: $*" >&2; [ "${UP_STARTED:-}" = 1 ] && echo "stop what did start: bash deploy/local.sh down" >&2; exit 1; }
log() { echo "[local.sh] $*" >&2; }

# Run a PostgreSQL binary as the cluster's owner (`postgres` when we are root: it refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bindir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$found" ] && [ -x "$found/initdb" ] || die "PostgreSQL not found under /usr/lib/postgresql: apt-get install postgresql (or bash scripts/setup.sh test)"
  echo "$found"
}

# A pid that runs (a killed process whose parent has not reaped it yet is a zombie: not running).
pid_alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
alive() { [ -f "$1" ] && pid_alive "$(cat "$1")"; }

# Poll URL until it answers 200, at most $2 seconds.
wait_http() {
  "$PYTHON" - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            if resp.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit(f"{url} did not answer within {sys.argv[2]} s")
PY
}

load_ports() {
  # `up` writes the ports it used, so `status` and `down` find the same processes.
  if [ -f "$STATE/ports.env" ]; then
    # shellcheck disable=SC1091
    . "$STATE/ports.env"
  fi
  PROXY_PORT="${PROXY_PORT:-${LCITY_PROXY_PORT:-8500}}"
  APP1_PORT="${APP1_PORT:-${LCITY_APP1_PORT:-8501}}"
  APP2_PORT="${APP2_PORT:-${LCITY_APP2_PORT:-8502}}"
  PG_PORT="${PG_PORT:-${LCITY_PG_PORT:-55432}}"
}

proxy_env() {
  export LCITY_PROXY_BIND="$HOST:$PROXY_PORT" LCITY_APP1_ADDR="$HOST:$APP1_PORT" \
    LCITY_APP2_ADDR="$HOST:$APP2_PORT" LCITY_PROXY_STATE="$STATE"
}

start_postgres() {
  local bin data="$STATE/postgres/data" run="$STATE/postgres/run" fresh=0
  bin="$(pg_bindir)"
  mkdir -p "$run"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$STATE/postgres"; fi
  chmod 700 "$run"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data"
    # Local socket (a 0700 dir in the state dir): trust, for the owner only; TCP: passwords (scram).
    as_pg "$bin/initdb" -D "$data" -U postgres -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    fresh=1
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "postgres already running (left by an earlier up)"
    return 0
  fi
  log "postgres on $HOST:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$data" -l "$STATE/postgres/log" -w -t 60 \
    -o "-p $PG_PORT -k $run -c listen_addresses=$HOST -c unix_socket_permissions=0700" start >/dev/null
  if [ "$fresh" = 1 ]; then
    as_pg "$bin/psql" -q -h "$run" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE lcity LOGIN PASSWORD '$LCITY_PG_PASSWORD'" -c "CREATE DATABASE lcity OWNER lcity" >/dev/null
  fi
}

start_app() {  # $1 = name, $2 = port
  log "app server $1 on $HOST:$2"
  # setsid: the servers outlive the shell that started them and get no signal meant for it; exec keeps
  # the pid written here the server's own.
  (cd "$ROOT" && export LCITY_DATABASE_URL="$DB_URL" STREAMLIT_SERVER_COOKIE_SECRET="$COOKIE_SECRET" PYTHONUNBUFFERED=1 \
    && exec setsid "$PYTHON" -m streamlit run app.py --server.address "$HOST" --server.port "$2" \
    --server.headless true --server.fileWatcherType none --browser.gatherUsageStats false) \
    >"$STATE/$1.log" 2>&1 </dev/null &
  echo $! >"$STATE/$1.pid"
}

cmd_up() {
  [ -x "$HAPROXY" ] || die "haproxy not found: apt-get install haproxy (or bash scripts/setup.sh test)"
  [ -x "$PYTHON" ] || die "$PYTHON not found: run bash scripts/setup.sh first (or set LCITY_PYTHON)"
  mkdir -p "$STATE"
  chmod 755 "$STATE"
  for p in haproxy app1 app2; do alive "$STATE/$p.pid" && die "already up (state in $STATE): run down first"; done
  rm -f "$STATE/ports.env"
  load_ports
  printf 'PROXY_PORT=%s\nAPP1_PORT=%s\nAPP2_PORT=%s\nPG_PORT=%s\n' "$PROXY_PORT" "$APP1_PORT" "$APP2_PORT" "$PG_PORT" \
    >"$STATE/ports.env"
  if [ ! -f "$STATE/secrets.env" ]; then
    (umask 077
     printf 'LCITY_PG_PASSWORD=%s\nCOOKIE_SECRET=%s\n' "$(openssl rand -hex 24)" "$(openssl rand -hex 32)" \
       >"$STATE/secrets.env")
  fi
  # shellcheck disable=SC1091
  . "$STATE/secrets.env"
  DB_URL="postgresql+psycopg://lcity:$LCITY_PG_PASSWORD@$HOST:$PG_PORT/lcity"

  UP_STARTED=1
  start_postgres
  log "migrating the store"
  (cd "$ROOT" && LCITY_DATABASE_URL="$DB_URL" "$PYTHON" -m lcity_data db upgrade >"$STATE/migrate.log" 2>&1) \
    || die "db upgrade failed, see $STATE/migrate.log"
  start_app app1 "$APP1_PORT"
  start_app app2 "$APP2_PORT"
  wait_http "http://$HOST:$APP1_PORT/_stcore/health" 120 || die "app1 did not start, see $STATE/app1.log"
  wait_http "http://$HOST:$APP2_PORT/_stcore/health" 120 || die "app2 did not start, see $STATE/app2.log"
  proxy_env
  "$HAPROXY" -c -q -f "$ROOT/deploy/haproxy.cfg" || die "deploy/haproxy.cfg does not check"
  log "haproxy on $HOST:$PROXY_PORT"
  "$HAPROXY" -D -f "$ROOT/deploy/haproxy.cfg" -p "$STATE/haproxy.pid" >"$STATE/haproxy.log" 2>&1
  wait_http "http://$HOST:$PROXY_PORT/_stcore/health" 60 || die "the proxy does not answer, see $STATE/haproxy.log"
  echo "LCITY_DATABASE_URL=$DB_URL"
  echo "http://$HOST:$PROXY_PORT/"
}

stop_pid() {  # $1 = pid file: TERM, then KILL after 10 s
  local pid
  [ -f "$1" ] || return 0
  pid="$(cat "$1")"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.2; done
    if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$1"
}

cmd_down() {
  [ -d "$STATE" ] || { log "nothing to stop ($STATE does not exist)"; return 0; }
  load_ports
  stop_pid "$STATE/haproxy.pid"
  stop_pid "$STATE/app1.pid"
  stop_pid "$STATE/app2.pid"
  if [ -f "$STATE/postgres/data/postmaster.pid" ]; then
    as_pg "$(pg_bindir)/pg_ctl" -D "$STATE/postgres/data" -m fast -w -t 60 stop >/dev/null || true
  fi
  log "stopped (data and logs stay in $STATE)"
}

cmd_status() {
  load_ports
  for p in haproxy app1 app2; do
    if alive "$STATE/$p.pid"; then echo "$p: running (pid $(cat "$STATE/$p.pid"))"; else echo "$p: stopped"; fi
  done
  if [ -f "$STATE/postgres/data/postmaster.pid" ]; then echo "postgres: running ($HOST:$PG_PORT)"; else echo "postgres: stopped"; fi
  [ -S "$STATE/haproxy.sock" ] && alive "$STATE/haproxy.pid" || return 0
  "$PYTHON" - "$STATE/haproxy.sock" <<'PY'
import socket, sys
try:
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sys.argv[1]); s.sendall(b"show stat\n")
        data = b"".join(iter(lambda: s.recv(65536), b"")).decode()
except OSError as exc:
    sys.exit(f"the proxy's admin socket does not answer: {exc}")
rows = [line.split(",") for line in data.splitlines() if line and not line.startswith("#")]
for row in rows:
    if row[0] == "lcity_apps" and row[1] not in ("BACKEND", "FRONTEND"):
        print(f"proxy sees {row[1]}: {row[17]}")
PY
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: bash deploy/local.sh up|status|down" >&2; exit 2 ;;
esac
