# Shared helpers of the ./opentier launcher. Sourced, not run.

VAR_DIR="${OPENTIER_VAR_DIR:-$ROOT/var}"
RUN_DIR="$VAR_DIR/run"
LOG_DIR="$VAR_DIR/log"
BUILD_DIR="$ROOT/target"

# Directories only the user running OpenTier may read: logs (they name accounts and, without a
# mail server, mention the mail drop), pid files, secrets, the mail drop. Existing ones are tightened.
private_dirs() {
  (umask 077; mkdir -p "$@")
  chmod 700 "$@"
}

# A log file that only its owner may read (created if missing; an older, wider one is tightened).
private_log() {
  (umask 077; : >> "$1")
  chmod 600 "$1"
}

say() { printf 'opentier: %s\n' "$*"; }
die() { printf 'opentier: %s\n' "$1" >&2; exit "${2:-1}"; }

# True when something accepts TCP connections on host:port.
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# The HTTP status of a GET (000 when nothing answered).
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-5}" "$1" 2>/dev/null || true; }

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    port_open 127.0.0.1 "$port" || { echo "$port"; return 0; }
  done
  die "could not find a free port"
}

# Waits until "$@" succeeds, at most $1 seconds; a second argument names what we wait for.
await() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# pid of a component started by this launcher under $RUN_DIR, or nothing.
running_pid() {
  local name="$1" pidfile="$RUN_DIR/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  # The marker guards against a recycled pid: only a process we started carries it.
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dopentier.component=$name "; then
    echo "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

# Stops a component this launcher started: TERM, then KILL after 30 s.
stop_component() {
  local name="$1" pid
  pid="$(running_pid "$name")" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! await 30 "$name to stop" bash -c "! kill -0 $pid 2>/dev/null"; then
    say "$name did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
  say "stopped $name (pid $pid)"
}

# Prints the last lines of a component's log, for a failed start.
show_log_tail() {
  local log="$LOG_DIR/$1.log"
  [ -f "$log" ] || return 0
  printf '%s\n' "--- last lines of $log ---" >&2
  tail -n "${2:-15}" "$log" >&2
}
