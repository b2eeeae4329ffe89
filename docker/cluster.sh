#!/usr/bin/env bash
# ./opentier cluster up|down|status|check: the compose deployment (docker/compose.yaml) on this
# machine with podman. `up` builds the images where they are missing (docker/offline-images.sh:
# no image registry is needed), makes the deployment's secrets once (docker/cluster.env, 0600) and
# starts everything; `check` signs up through the proxy, uploads a document, waits until it is
# indexed and asks about it over a streamed chat; `down` stops it (`down --volumes` forgets its data).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$1" >&2; exit "${2:-1}"; }
command -v podman-compose >/dev/null 2>&1 && command -v podman >/dev/null 2>&1 || [ "${1:-}" = up ] \
  || die "podman and podman-compose are needed (./opentier cluster up installs them)" 2

env_files() {
  [ -f offline.env ] || die "no images yet: run ./opentier cluster up" 2
  set -a
  # shellcheck source=/dev/null
  . ./offline.env
  # shellcheck source=/dev/null
  . ./cluster.env
  set +a
}

public() { echo "http://127.0.0.1:${OPENTIER_PUBLIC_PORT:-8080}"; }

cmd_up() {
  if [ ! -f offline.env ] || ! podman image exists localhost/opentier:latest 2>/dev/null; then ./offline-images.sh; fi
  if [ ! -f cluster.env ]; then
    (umask 077; printf 'OPENTIER_DB_PASSWORD=%s\nOPENTIER_METRICS_TOKEN=%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" \
      "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > cluster.env)
  fi
  env_files
  local started=$SECONDS
  podman-compose -f compose.yaml up -d >/dev/null
  local deadline=$((SECONDS + 300))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(public)/ready")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || die "the deployment was not ready through the proxy within 300 s (podman ps -a; podman logs docker_query-api-1_1)"
    sleep 2
  done
  say "ready at $(public) after $((SECONDS - started)) s"
}

cmd_down() {
  env_files
  podman-compose -f compose.yaml down >/dev/null 2>&1 || true
  if [ "${1:-}" = --volumes ]; then
    podman volume ls -q | grep '^docker_' | xargs -r podman volume rm -f >/dev/null
    say "stopped; its data is gone"
  else
    say "stopped (its volumes are kept; --volumes removes them)"
  fi
}

cmd_status() {
  podman ps -a --filter label=io.podman.compose.project=docker --format '{{.Names}}\t{{.Status}}'
  printf 'readiness through the proxy: %s\n' "$(curl -s --max-time 5 "$(public)/ready" || echo unavailable)"
}

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

cmd_check() {
  env_files
  local base email password token job conversation status events
  base="$(public)"; email="check-$RANDOM@example.org"; password="a long enough password for the check"
  curl -sf --max-time 10 -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" >/dev/null || die "sign-up through the proxy failed"
  token="$(curl -sf --max-time 10 -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | json '["token"]')"
  printf '# Harbour tides\n\nThe harbour master prints the tide tables every spring, and the lighthouse keeper posts them at the gate.\n' \
    > "${TMPDIR:-/tmp}/opentier-check.md"
  job="$(curl -sf --max-time 30 -X POST "$base/api/documents" -H "Authorization: Bearer $token" \
    -F "files=@${TMPDIR:-/tmp}/opentier-check.md" -F visibility=private | json '["job_id"]')"
  local deadline=$((SECONDS + 180))
  until status="$(curl -sf --max-time 10 "$base/api/ingestion/jobs/$job" -H "Authorization: Bearer $token")" \
      && [ "$(echo "$status" | json '["job"]["finished"]')" = True ]; do
    [ $SECONDS -lt $deadline ] || die "the upload was not concluded within 180 s: $status"
    sleep 2
  done
  [ "$(echo "$status" | json '["job"]["outcomes"]["indexed"]')" = 1 ] || die "the document was not indexed: $status"
  conversation="$(curl -sf --max-time 10 -X POST "$base/api/conversations" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{}' | json '["id"]')"
  events="$(curl -sN --max-time 120 -X POST "$base/api/conversations/$conversation/messages" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Accept: text/event-stream' -d '{"message":"Who posts the tide tables?"}' | grep '^event:' | sort | uniq -c)"
  echo "$events" | grep -q 'event: done' || die "the chat did not finish: $events"
  echo "$events" | grep -q 'event: source' || die "the chat cited nothing: $events"
  say "check passed: signed up, indexed an upload, chat answered with a citation ($(echo "$events" | awk '/token/ {print $1}') tokens streamed)"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status ;;
  check) shift; cmd_check ;;
  *) die "usage: ./opentier cluster up | down [--volumes] | status | check" 2 ;;
esac
