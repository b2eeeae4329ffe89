# A real Apache Kafka broker (KRaft, one node) from the Maven Central artifacts, no Docker.

KAFKA_CLASSPATH_FILE="$BUILD_DIR/kafka-broker.classpath"

kafka_classpath() {
  local pom="$ROOT/scripts/kafka-broker/pom.xml"
  if [ ! -s "$KAFKA_CLASSPATH_FILE" ] || [ "$pom" -nt "$KAFKA_CLASSPATH_FILE" ] || [ "$ROOT/pom.xml" -nt "$KAFKA_CLASSPATH_FILE" ]; then
    mkdir -p "$BUILD_DIR"
    mvn_run -q -f "$pom" dependency:build-classpath -Dmdep.outputFile="$KAFKA_CLASSPATH_FILE" >/dev/null \
      || die "could not resolve the Kafka broker from Maven Central"
  fi
  cat "$KAFKA_CLASSPATH_FILE"
}

# ensure_broker: exports OPENTIER_KAFKA_BOOTSTRAP; starts the local broker unless one runs or the
# setting points elsewhere.
ensure_broker() {
  local bootstrap="${OPENTIER_KAFKA_BOOTSTRAP:-}"
  if [ -z "$bootstrap" ]; then
    bootstrap="127.0.0.1:$KAFKA_PORT"
    local pid
    if pid="$(running_pid kafka)"; then
      say "kafka is already running (pid $pid); reusing it"
    elif port_open 127.0.0.1 "$KAFKA_PORT"; then
      die "OPENTIER_KAFKA_PORT: port $KAFKA_PORT is already in use by a process opentier did not start (set OPENTIER_KAFKA_BOOTSTRAP to use an existing broker)" 2
    else
      start_broker kafka "$VAR_DIR/kafka" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
      say "started kafka (pid $(running_pid kafka), port $KAFKA_PORT)"
    fi
  fi
  export OPENTIER_KAFKA_BOOTSTRAP="$bootstrap"
}

# start_broker NAME DIR PORT CONTROLLER_PORT: starts a broker whose data lives in DIR.
start_broker() {
  local name="$1" dir="$2" port="$3" controller="$4" cp
  cp="$(kafka_classpath)"
  mkdir -p "$dir/data"
  private_dirs "$RUN_DIR" "$LOG_DIR"
  private_log "$LOG_DIR/$name.log"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=33554432
PROPS
  local log4j="-Dlog4j2.configurationFile=$ROOT/scripts/kafka-broker/log4j2.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" "$log4j" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java -cp "$cp" "$log4j" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      >> "$LOG_DIR/$name.log" 2>&1 || { show_log_tail "$name"; die "could not format the Kafka storage in $dir"; }
  fi
  # setsid: the broker outlives this shell and gets no signals meant for it.
  setsid java ${OPENTIER_KAFKA_JAVA_OPTS:--Xms256m -Xmx768m} "-Dopentier.component=$name" "$log4j" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >> "$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
  if ! await 60 "Kafka" port_open 127.0.0.1 "$port"; then
    show_log_tail "$name"
    stop_component "$name"
    die "the Kafka broker did not open port $port within 60 s"
  fi
}

provision_topics() {
  OPENTIER_KAFKA_BOOTSTRAP="$1" java -cp "$(module_classpath platform)" dev.opentier.platform.kafka.ProvisionTopics \
    | sed 's/^/opentier: /' || die "could not create the Kafka topics"
}
