# OpenTier's own processes: how to start them, find them, and tell whether they are healthy.

HTTP_PORT="${OPENTIER_HTTP_PORT:-8080}"
INTELLIGENCE_PORT="${OPENTIER_INTELLIGENCE_PORT:-50051}"
STREAMS_PORT="${OPENTIER_STREAMS_PORT:-8081}"
KAFKA_PORT="${OPENTIER_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${OPENTIER_KAFKA_CONTROLLER_PORT:-9093}"

# Start order: query-api applies the migrations the other two check for.
SERVICES=(query-api intelligence curation-streams)

service_main() {
  case "$1" in
    query-api) echo dev.opentier.queryapi.QueryApiMain ;;
    intelligence) echo dev.opentier.intelligence.IntelligenceMain ;;
    curation-streams) echo dev.opentier.curation.CurationStreamsMain ;;
  esac
}

component_port() {
  case "$1" in
    query-api) echo "$HTTP_PORT" ;;
    intelligence) echo "$INTELLIGENCE_PORT" ;;
    curation-streams) echo "$STREAMS_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;;
  esac
}

port_setting() {
  case "$1" in
    query-api) echo OPENTIER_HTTP_PORT ;;
    intelligence) echo OPENTIER_INTELLIGENCE_PORT ;;
    curation-streams) echo OPENTIER_STREAMS_PORT ;;
    kafka) echo OPENTIER_KAFKA_PORT ;;
  esac
}

# up: the process answers its health check. intelligence's port opens only after its start-up
# checks pass; query-api's /ready then asks it over the standard gRPC health service.
component_healthy() {
  case "$1" in
    query-api) [ "$(http_status "http://127.0.0.1:$HTTP_PORT/health")" = 200 ] ;;
    curation-streams) [ "$(http_status "http://127.0.0.1:$STREAMS_PORT/health")" = 200 ] ;;
    intelligence) port_open 127.0.0.1 "$INTELLIGENCE_PORT" ;;
    kafka) port_open 127.0.0.1 "$KAFKA_PORT" ;;
  esac
}

start_service() {
  local name="$1" pid port
  port="$(component_port "$name")"
  if pid="$(running_pid "$name")"; then
    say "$name is already running (pid $pid); reusing it"
    return 0
  fi
  if port_open 127.0.0.1 "$port"; then
    die "$(port_setting "$name"): port $port is already in use by a process opentier did not start" 2
  fi
  private_dirs "$VAR_DIR" "$RUN_DIR" "$LOG_DIR"
  private_log "$LOG_DIR/$name.log"
  local credentials=()
  mapfile -t credentials < <(internal_credentials_env "$name")
  # shellcheck disable=SC2086
  setsid env "${credentials[@]}" java ${OPENTIER_JAVA_OPTS:--Xms64m -Xmx1g} --enable-native-access=ALL-UNNAMED "-Dopentier.component=$name" \
    -cp "$(module_classpath "$name")" "$(service_main "$name")" >> "$LOG_DIR/$name.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$RUN_DIR/$name.pid"
  local deadline=$(( $(date +%s) + 120 ))
  until component_healthy "$name"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$RUN_DIR/$name.pid"
      local reason
      reason="$(grep -h "^opentier $name: " "$LOG_DIR/$name.log" | tail -1 || true)"
      [ -n "$reason" ] || show_log_tail "$name"
      die "${reason:-$name exited during start-up (log: $LOG_DIR/$name.log)}" 2
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      show_log_tail "$name"
      stop_component "$name"
      die "$name did not become healthy within 120 s (log: $LOG_DIR/$name.log)"
    fi
    sleep 0.5
  done
  say "started $name (pid $pid, port $port)"
}

# Runs a command-line tool of a module (ingest, dlq …) with the platform's settings.
run_tool() {
  local module="$1" main="$2"; shift 2
  export OPENTIER_KAFKA_BOOTSTRAP="${OPENTIER_KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}"
  exec java ${OPENTIER_TOOL_JAVA_OPTS:--Xmx1g} "-DOPENTIER_LOG_LEVEL=${OPENTIER_LOG_LEVEL:-WARN}" --enable-native-access=ALL-UNNAMED -cp "$(module_classpath "$module")" "$main" "$@"
}
