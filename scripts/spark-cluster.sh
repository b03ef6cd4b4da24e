#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1 from the jars of cli/target/dist-spark (no Spark download):
# one master (7077) and WORKERS workers (default 2) of 1 core and 2 GB each.
#   scripts/spark-cluster.sh start [WORKERS]   # builds dist-spark when missing; idempotent
#   scripts/spark-cluster.sh stop
#   scripts/spark-cluster.sh kill-worker N     # ends worker N (1-based) at once, as a lost machine would
# State (SPARK_HOME, logs, pids) lives in target/spark-cluster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/cli/target/dist-spark"
state="$root/target/spark-cluster"
port="${SPARK_MASTER_PORT:-7077}"
master="spark://127.0.0.1:$port"

# Spark's JVM flags, the argument file that dist-spark's bin/smoothcal uses too.
flags=("@$dist/conf/java-options")
# The daemons log at Spark's default (info) into target/spark-cluster/logs: start() waits for their lines.

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  local workers="${1:-2}"
  if [ ! -d "$dist/lib" ] || [ ! -f "$dist/conf/java-options" ]; then
    (cd "$root" && ./mvnw -B -ntp -q -DskipTests -Dmaven.javadoc.skip -Pspark -pl cli -am package)
  fi
  mkdir -p "$state/home" "$state/logs"
  ln -sfn "$dist/lib" "$state/home/jars"
  export SPARK_HOME="$state/home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
  if ! running "$state/master.pid"; then
    nohup java "${flags[@]}" -cp "$dist/lib/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
      --port "$port" --webui-port 0 >"$state/logs/master.log" 2>&1 &
    echo $! >"$state/master.pid"
  fi
  for i in $(seq 1 "$workers"); do
    if ! running "$state/worker$i.pid"; then
      mkdir -p "$state/work$i"
      nohup java "${flags[@]}" -cp "$dist/lib/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
        --cores 1 --memory 2g --webui-port 0 --work-dir "$state/work$i" "$master" \
        >"$state/logs/worker$i.log" 2>&1 &
      echo $! >"$state/worker$i.pid"
    fi
  done
  for _ in $(seq 1 60); do
    local up
    up=$( (grep -l "Successfully registered with master" "$state"/logs/worker*.log 2>/dev/null || true) | wc -l)
    if [ "$up" -ge "$workers" ]; then
      echo "$master: master and $workers workers up"
      return 0
    fi
    sleep 1
  done
  echo "spark-cluster: workers did not register within 60 s; see $state/logs" >&2
  return 1
}

stop() {
  for pid in "$state"/*.pid; do
    [ -f "$pid" ] || continue
    if running "$pid"; then kill "$(cat "$pid")"; fi
    rm -f "$pid"
  done
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  kill-worker) kill -9 "$(cat "$state/worker${2:?worker number}.pid")"; rm -f "$state/worker$2.pid" ;;
  *) echo "usage: $0 start [WORKERS] | stop | kill-worker N" >&2; exit 2 ;;
esac
