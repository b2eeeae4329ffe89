#!/usr/bin/env bash
# The launcher itself, as a new user runs it: `up` on its own ports and var dir, /ready, a second
# `up`, `status`, `down`; then nothing of ours is left running. Also the JDK check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/launcher/common.sh"

failures=0
check() { local what="$1"; shift; if "$@"; then echo "launcher test: ok   - $what"; else echo "launcher test: FAIL - $what"; failures=$((failures + 1)); fi; }

var="$(mktemp -d "${TMPDIR:-/tmp}/opentier-launcher-test.XXXXXX")"
export OPENTIER_VAR_DIR="$var"
export OPENTIER_HTTP_PORT="$(free_port)" OPENTIER_INTELLIGENCE_PORT="$(free_port)" OPENTIER_STREAMS_PORT="$(free_port)"
export OPENTIER_KAFKA_PORT="$(free_port)" OPENTIER_KAFKA_CONTROLLER_PORT="$(free_port)"
export OPENTIER_DB_URL="jdbc:postgresql://127.0.0.1:5432/opentier_launcher_test"
unset OPENTIER_KAFKA_BOOTSTRAP OPENTIER_INTELLIGENCE_TARGET
cleanup() {
  "$ROOT/opentier" down >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -qtA -c "drop database if exists opentier_launcher_test with (force)" >/dev/null 2>&1 || true
  rm -rf "$var"
}
trap cleanup EXIT

echo "launcher test: ./opentier up (ports $OPENTIER_HTTP_PORT, $OPENTIER_INTELLIGENCE_PORT, $OPENTIER_STREAMS_PORT, $OPENTIER_KAFKA_PORT)"
check "up exits 0" "$ROOT/opentier" up
ready="$(curl -s -w ' %{http_code}' "http://127.0.0.1:$OPENTIER_HTTP_PORT/ready")"
check "/ready is 200 with every component up ($ready)" \
  bash -c "[[ '$ready' == *'\"database\":\"up\"'*'\"kafka\":\"up\"'*'\"intelligence\":\"up\"'*' 200' ]]"
second="$("$ROOT/opentier" up 2>&1)"
check "a second up reuses what runs" bash -c "[[ \"\$1\" == *'query-api is already running'* && \"\$1\" == *'kafka is already running'* ]]" _ "$second"
status_out="$("$ROOT/opentier" status)"
check "status shows each component up" bash -c "[ \"\$(grep -cE '^(kafka|query-api|intelligence|curation-streams) +[0-9]+ +[0-9]+ +up' <<<\"\$1\")\" = 4 ]" _ "$status_out"

# Security round, finding 4: logs, the mail drop and the services' secrets are the user's alone, and
# a mailed link (it signs its reader in) never reaches a log.
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"email":"launcher@example.org","password":"a long password here"}' \
  "http://127.0.0.1:$OPENTIER_HTTP_PORT/api/auth/register"
modes="$(stat -c '%a %n' "$var/log" "$var"/log/*.log "$var/secrets" "$var"/secrets/* "$var/mail" "$var"/mail/* 2>&1)"
check "logs, secrets and the mail drop are 0700/0600 ($(tr '\n' ' ' <<<"$modes"))" \
  bash -c "! grep -vE '^(700|600) ' <<<\"\$1\" && grep -q '/mail/' <<<\"\$1\"" _ "$modes"
check "no mailed link is in a log" bash -c "! grep -q 'token=' '$var'/log/*.log"

# The CLI through the running platform: a folder with one good and one empty file.
docs="$var/docs"; mkdir -p "$docs"; echo "A good document about the launcher." > "$docs/good.txt"; : > "$docs/empty.txt"
ingest_out="$("$ROOT/opentier" ingest "$docs" --wait 2>&1)" && ingest_code=0 || ingest_code=$?
check "ingest --wait exits 1 and its summary names the failure ($ingest_code)" \
  bash -c "[ $ingest_code -eq 1 ] && [[ \"\$1\" == *'indexed 1,'*'failed 1,'*'[parse] empty document (0 bytes)'* ]]" _ "$ingest_out"

pids="$(cat "$var"/run/*.pid | tr '\n' ' ')"
check "down exits 0" "$ROOT/opentier" down
check "no pid file is left" bash -c "! ls '$var'/run/*.pid >/dev/null 2>&1"
check "no process it started is alive ($pids)" bash -c "for p in $pids; do ! kill -0 \$p 2>/dev/null || exit 1; done"
check "no port is left open" bash -c ". '$ROOT/scripts/launcher/common.sh'; for p in $OPENTIER_HTTP_PORT $OPENTIER_INTELLIGENCE_PORT $OPENTIER_STREAMS_PORT $OPENTIER_KAFKA_PORT $OPENTIER_KAFKA_CONTROLLER_PORT; do ! port_open 127.0.0.1 \$p || exit 1; done"

# A JDK older than 21 is refused with one line, when this machine has one to try it with.
. "$ROOT/scripts/launcher/jdk.sh"
system_java="$(readlink -f /usr/bin/java 2>/dev/null || true)"
old_jdk="${system_java%/bin/java}"
if [ -n "$system_java" ] && [ "$(java_major "$old_jdk")" -lt 21 ]; then
  out="$(PATH=/usr/bin:/bin JAVA_HOME="$old_jdk" OPENTIER_JDK_SEARCH="" "$ROOT/opentier" up 2>&1)" && code=0 || code=$?
  check "an old JDK is refused naming what to install (exit $code: $out)" \
    bash -c "[ $code -eq 2 ] && [ \$(wc -l <<<\"\$1\") -eq 1 ] && [[ \"\$1\" == *'no JDK 21 or newer found'*'(Java 17)'* ]]" _ "$out"
else
  echo "launcher test: skip - the system java is not older than 21, so the JDK check cannot be shown here"
fi

[ "$failures" -eq 0 ] || { echo "launcher test: $failures check(s) failed"; exit 1; }
