#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, broker+controller in one JVM),
# run straight from Maven Central jars with `java -cp ... kafka.Kafka`. No Docker.
#
#   ops/kafka/kafka.sh fetch     resolve jars into ops/kafka/lib (only when pom.xml changed)
#   ops/kafka/kafka.sh start     fetch, render config, format storage if new, start, wait for ready
#   ops/kafka/kafka.sh stop      SIGTERM (controlled shutdown), SIGKILL after 30 s
#   ops/kafka/kafka.sh restart   stop + start (data is kept)
#   ops/kafka/kafka.sh status    exit 0 if running, 1 if not
#   ops/kafka/kafka.sh wait      wait until the running broker is ready
#   ops/kafka/kafka.sh users     create the services' SCRAM users once (start does it); passwords in .run/scram-users
#   ops/kafka/kafka.sh reset     stop and wipe data + logs
#   ops/kafka/kafka.sh logs      follow server.log
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_SASL_PORT (9094), KAFKA_HEAP_OPTS (-Xms1g -Xmx1g),
# KAFKA_JVM_OPTS, KAFKA_READY_TIMEOUT (seconds, 90), KAFKA_CLUSTER_ID, KAFKA_RUN_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$HERE/lib"
RUN="${KAFKA_RUN_DIR:-$HERE/.run}"
DATA="$RUN/data"
LOGS="$RUN/logs"
PIDFILE="$RUN/kafka.pid"
CFG="$RUN/server.properties"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
SPORT="${KAFKA_SASL_PORT:-9094}"
SCRAM_FILE="$RUN/scram-users"
SCRAM_USERS=(admin ingest consolidate publish)
# Fixed 22-char base64url id (format of `StorageTool random-uuid`); fine for a throw-away cluster.
CLUSTER_ID="${KAFKA_CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
HEAP="${KAFKA_HEAP_OPTS:--Xms1g -Xmx1g}"
JVM="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"

say() { echo "[kafka.sh] $*" >&2; }

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

cmd_fetch() {
  # lib/ is rebuilt from scratch whenever pom.xml changes, so no stale jars of another version remain.
  local stamp="$LIB/.pom.sha256" sum
  sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then return 0; fi
  say "resolving broker jars from Maven Central into $LIB"
  rm -rf "$LIB"
  # runtime scope: Kafka publishes most of its modules as runtime deps, compile scope would miss them.
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIB" -DincludeScope=runtime
  echo "$sum" > "$stamp"
  say "$(find "$LIB" -name '*.jar' | wc -l) jars in $LIB"
}

render_config() {
  mkdir -p "$DATA" "$LOGS"
  {
    cat "$HERE/server.properties"
    printf '\n# ---- overrides appended by kafka.sh (last key wins) ----\n'
    echo "log.dirs=$DATA"
    echo "listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT,SASL_PLAINTEXT://$HOST:$SPORT"
    echo "advertised.listeners=PLAINTEXT://$HOST:$PORT,SASL_PLAINTEXT://$HOST:$SPORT"
    echo "controller.quorum.voters=1@$HOST:$CPORT"
  } > "$CFG"
}

format_storage() {
  # Existing data is kept across restarts; `reset` wipes it. Never reformat over it.
  if [[ -f "$DATA/meta.properties" ]]; then return 0; fi
  say "formatting $DATA (cluster id $CLUSTER_ID)"
  # Static voters => no --standalone.
  java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIB/*" \
       kafka.tools.StorageTool format --cluster-id "$CLUSTER_ID" --config "$CFG"
}

cmd_wait() {
  if [[ ! -f "$PIDFILE" ]]; then say "not running"; return 1; fi
  local pid t0=$SECONDS
  pid="$(cat "$PIDFILE")"
  # Ready = the broker listener accepts TCP (Kafka opens it only after the broker is unfenced)
  # AND server.log has "Kafka Server started". Do not probe the controller port: it opens earlier.
  until (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null &&
        grep -q "Kafka Server started" "$LOGS/server.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "broker (pid $pid) exited during startup; tail of logs:"
      tail -n 40 "$LOGS/kafka.out" "$LOGS/server.log" >&2 2>/dev/null || true
      return 1
    fi
    if (( SECONDS - t0 >= READY_TIMEOUT )); then
      say "not ready after ${READY_TIMEOUT}s; tail of server.log:"
      tail -n 40 "$LOGS/server.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.25
  done
  say "ready on $HOST:$PORT (pid $pid)"
}

cmd_start() {
  if running; then say "already running (pid $(cat "$PIDFILE"))"; return 0; fi
  cmd_fetch
  render_config
  format_storage
  # Rotate server.log so the readiness check cannot see the previous run's "started" line.
  if [[ -f "$LOGS/server.log" ]]; then mv -f "$LOGS/server.log" "$LOGS/server.log.prev"; fi
  local t0; t0="$(date +%s.%N)"
  # shellcheck disable=SC2086  # HEAP/JVM are option lists and must be word-split
  nohup java $HEAP $JVM \
      -Dlog4j.configuration="file:$HERE/log4j.properties" \
      -Dkafka.logs.dir="$LOGS" \
      -cp "$LIB/*" kafka.Kafka "$CFG" \
      > "$LOGS/kafka.out" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  cmd_wait
  cmd_users
  say "startup took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
}

# The services' SCRAM users, with passwords generated once per data folder and kept in
# $SCRAM_FILE (user=password lines, mode 600). Created through the running broker (KRaft keeps
# them in its metadata), once: a marker in the data folder records it.
cmd_users() {
  local marker="$DATA/.scram-users-created"
  if [[ -f "$marker" && -f "$SCRAM_FILE" ]]; then return 0; fi
  if ! running; then say "not running"; return 1; fi
  ( umask 077; : > "$SCRAM_FILE.new" )
  local user password configs=()
  for user in "${SCRAM_USERS[@]}"; do
    password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    echo "$user=$password" >> "$SCRAM_FILE.new"
  done
  while IFS='=' read -r user password; do
    java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIB/*" kafka.admin.ConfigCommand \
      --bootstrap-server "$HOST:$PORT" --alter --entity-type users --entity-name "$user" \
      --add-config "SCRAM-SHA-256=[iterations=4096,password=$password]" >/dev/null
  done < "$SCRAM_FILE.new"
  mv -f "$SCRAM_FILE.new" "$SCRAM_FILE"
  touch "$marker"
  say "SCRAM users ${SCRAM_USERS[*]} created; passwords in $SCRAM_FILE"
}

cmd_stop() {
  if ! running; then rm -f "$PIDFILE"; say "not running"; return 0; fi
  local pid; pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"   # Kafka's shutdown hook does a controlled shutdown
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then say "pid $pid still alive after 30s, sending SIGKILL"; kill -KILL "$pid"; fi
  rm -f "$PIDFILE"
  say "stopped"
}

case "${1:-}" in
  fetch)   cmd_fetch ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status)  if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo "stopped"; exit 1; fi ;;
  wait)    cmd_wait ;;
  users)   cmd_users ;;
  reset)   cmd_stop; rm -rf "$DATA" "$LOGS" "$CFG" "$SCRAM_FILE"; say "data and logs wiped" ;;
  logs)    tail -n 200 -F "$LOGS/server.log" ;;
  *)       echo "usage: $0 {fetch|start|stop|restart|status|wait|users|reset|logs}" >&2; exit 2 ;;
esac
