#!/usr/bin/env bash
# ./opentier bench auth [SECONDS]: authenticated GET /api/auth/me under load from wrk (a
# separate process, sharing the machine's cores with the gateway and PostgreSQL: say so when
# reporting). Needs the platform up with the default rate limit raised, e.g.
#   OPENTIER_RATE_DEFAULT_PER_MINUTE=1000000 ./opentier up
set -euo pipefail
seconds="${1:-20}"
port="${OPENTIER_HTTP_PORT:-8080}"
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "bench auth: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health")" = 200 ] || { echo "bench auth: start the platform first (./opentier up)" >&2; exit 2; }
email="bench-$(date +%s)-$RANDOM@example.org"
password="benchmark password $RANDOM"
curl -s -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/auth/register"
token="$(curl -s -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/auth/login" \
  | sed -n 's/.*"token":"\([0-9a-f]\{64\}\)".*/\1/p')"
[ -n "$token" ] || { echo "bench auth: could not sign in" >&2; exit 1; }
for _ in 1 2 3; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/auth/me")"
done
if [ "$code" = 429 ]; then
  echo "bench auth: rate-limited; start the platform with OPENTIER_RATE_DEFAULT_PER_MINUTE=1000000" >&2; exit 2
fi
echo "machine: $(nproc) cores; wrk 2 threads, 32 connections, ${seconds}s, on the same machine as the gateway"
wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/api/auth/me" \
  | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in"
