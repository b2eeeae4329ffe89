# ./opentier test: the whole suite against real PostgreSQL + pgvector and a real Kafka broker.

TEST_DIR=""

test_cleanup() {
  [ -n "$TEST_DIR" ] || return 0
  RUN_DIR="$TEST_DIR/run" LOG_DIR="$TEST_DIR/log" PG_STARTED_MARKER="$TEST_DIR/run/postgres.started" \
    bash -c ". '$ROOT/scripts/launcher/common.sh'; RUN_DIR='$TEST_DIR/run'; LOG_DIR='$TEST_DIR/log'; stop_component test-kafka" >/dev/null 2>&1 || true
  if [ -f "$TEST_DIR/run/postgres.started" ]; then PG_STARTED_MARKER="$TEST_DIR/run/postgres.started" stop_postgres_if_started; fi
  rm -rf "$TEST_DIR"
  TEST_DIR=""
}

cmd_test() {
  find_jdk
  TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/opentier-test.XXXXXX")"
  trap test_cleanup EXIT
  # Everything this run starts is recorded under TEST_DIR, never in the var/ of a running `up`.
  local RUN_DIR="$TEST_DIR/run" LOG_DIR="$TEST_DIR/log" PG_STARTED_MARKER="$TEST_DIR/run/postgres.started"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  ensure_postgres --no-database
  ensure_built
  ensure_ui_built

  local port controller
  port="$(free_port)"; controller="$(free_port)"
  say "starting a test Kafka broker on 127.0.0.1:$port"
  start_broker test-kafka "$TEST_DIR/kafka" "$port" "$controller"

  local status=0
  OPENTIER_KAFKA_BOOTSTRAP="127.0.0.1:$port" mvn_run verify "$@" || status=$?
  RUN_DIR="$TEST_DIR/run" LOG_DIR="$TEST_DIR/log" stop_component test-kafka >/dev/null

  if [ "$status" -eq 0 ] && [ $# -eq 0 ]; then
    ui_tests || status=$?
  fi
  if [ "$status" -eq 0 ] && [ $# -eq 0 ]; then
    "$ROOT/scripts/launcher/launcher-test.sh" || status=$?
  fi
  if [ "$status" -eq 0 ]; then say "all tests passed"; else say "tests FAILED (exit $status)"; fi
  return "$status"
}

# bench docs: the documentation sets of bench/docsets/docsets.tsv come from Debian's -doc packages;
# the missing ones are installed (apt-get; as root or with sudo).
ensure_docsets() {
  local name package generator root pages missing=()
  while IFS=$'\t' read -r name package generator root pages; do
    [ "$name" = name ] || [ -z "$name" ] && continue
    [ -d "$root" ] || missing+=("$package")
  done < "$ROOT/bench/docsets/docsets.tsv"
  [ ${#missing[@]} -eq 0 ] && return 0
  say "bench docs: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "bench docs: could not install ${missing[*]} (apt-get install them, then run again)" 2
}
