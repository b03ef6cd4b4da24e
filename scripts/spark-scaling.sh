#!/usr/bin/env bash
# The scaling benchmark of README's "Evaluate on Spark": images/s of one evaluation (same model, data and
# settings) in one JVM, on Spark local[1] and local[2], and on a standalone cluster of 1 and 2 one-core
# workers on 127.0.0.1 (scripts/spark-cluster.sh), with the driver's wall time and peak RSS (/usr/bin/time -v)
# and the load average before each run.
#   scripts/spark-scaling.sh MODEL DATA [CONFIG...]
# CONFIG: jvm, local1, local2, cluster1, cluster2 (default: all five). DATA: an IDX folder, e.g. the
# Fashion-MNIST test split repeated to 10^6 images:
#   java -cp "spark/target/test-classes:cli/target/dist-spark/lib/*" dev.smoothcal.spark.bench.RepeatedIdx \
#     ../shared/data/fashion-mnist 1000000 /tmp/fm1m
# Uses cli/target/dist-spark (build it with ./mvnw -B -Pspark -pl cli -am -DskipTests package).
# Prints one tab-separated line per run: config, images, seconds of the evaluation (report.json), images/s,
# wall seconds of the process, peak RSS of the driver (MB), load average (1 min) before the run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:?MODEL}"
data="${2:?DATA}"
shift 2
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(jvm local1 local2 cluster1 cluster2)
bin="$root/cli/target/dist-spark/bin/smoothcal"
out="$(mktemp -d /tmp/smoothcal-scaling.XXXXXX)"
export SPARK_LOCAL_IP=127.0.0.1
printf 'config\timages\teval_s\timages_per_s\twall_s\tdriver_peak_rss_mb\tload_1min\n'
for config in "${configs[@]}"; do
  extra=()
  case "$config" in
    jvm) ;;
    local1) extra=(--master 'local[1]') ;;
    local2) extra=(--master 'local[2]') ;;
    cluster1|cluster2)
      "$root/scripts/spark-cluster.sh" stop
      "$root/scripts/spark-cluster.sh" start "${config#cluster}" >/dev/null
      extra=(--master spark://127.0.0.1:7077) ;;
    *) echo "unknown config $config" >&2; exit 2 ;;
  esac
  load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -v -o "$out/$config.time" "$bin" evaluate --model "$model" --data "$data" --provider cpu \
    --out "$out/$config" "${extra[@]}" >"$out/$config.log" 2>&1
  case "$config" in cluster*) "$root/scripts/spark-cluster.sh" stop ;; esac
  python3 - "$out/$config/report.json" "$out/$config.time" "$config" "$load" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
th = r["throughput"]
print(f"{sys.argv[3]}\t{r['data']['size']}\t{th['seconds']:.1f}\t{th['images_per_second']:.0f}\t{secs:.1f}\t{rss:.0f}\t{sys.argv[4]}")
PY
done
echo "reports in $out" >&2
