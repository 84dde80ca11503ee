#!/usr/bin/env bash
# Persistent sessions on the embedded (RocksDB) store against the memory store: the core broker with each
# store (mqttx-bench/jmh's StoreBenchBroker, everything else alike), e2e QoS 1 with clean session off,
# alternating, a fresh broker and store directory per run. Prints each round and the median ratio.
#
#   bench/compare-stores.sh [ROUNDS]
#
# Environment: SCALE=1 (e2e count 10000 per publisher, 100k published, 1M deliveries), STORES="memory embedded"
# (embedded-sync fsyncs each commit group), BENCH_JAVA_OPTS (default -Xms1g -Xmx4g), BROKER_JAVA_OPTS (the broker's
# JVM options, default none; e.g. -XX:StartFlightRecording=... to profile it), RESULTS_DIR.
# Builds mqttx-bench/jmh/target/mqttx-jmh.jar when missing: ./mvnw -q -Pjmh -pl mqttx-bench/jmh -am package -DskipTests
# After a change to the broker, delete that jar before rebuilding it: packaged over the old shaded jar, it keeps
# the broker classes of the old one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${1:-3}
SCALE=${SCALE:-1}
STORES=${STORES:-memory embedded}
BENCH_JAR=$ROOT/mqttx-bench/target/mqttx-bench.jar
JMH_JAR=$ROOT/mqttx-bench/jmh/target/mqttx-jmh.jar
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx4g}
BROKER_JAVA_OPTS=${BROKER_JAVA_OPTS:-}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}
WORK=$RESULTS_DIR/stores-$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$WORK"
[[ -f $BENCH_JAR ]] || ./mvnw -q -f mqttx-bench/pom.xml package -DskipTests
[[ -f $JMH_JAR ]] || ./mvnw -q -Pjmh -pl mqttx-bench/jmh -am package -DskipTests

COUNT=$(awk -v s="$SCALE" 'BEGIN { v = int(10000 * s + 0.5); print (v < 1 ? 1 : v) }')
ARGS="e2e -pubs 10 -subs 10 -sub-mode wildcard -count $COUNT -size 1024 -qos 1 -clean false"
BROKER_PID=""
stop_broker() {
  [[ -n $BROKER_PID ]] || return 0
  kill -TERM -- "-$BROKER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}
trap stop_broker EXIT

run_once() { # store label -> RESULT line
  local store=$1 label=$2 port dir
  port=$((20000 + RANDOM % 12000))
  dir=$WORK/store-$label
  rm -rf "$dir"
  # shellcheck disable=SC2086
  setsid java $BROKER_JAVA_OPTS -cp "$JMH_JAR" io.mqttx.bench.jmh.StoreBenchBroker "$store" "$port" "$dir" >>"$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -jar "$BENCH_JAR" $ARGS -broker "tcp://127.0.0.1:$port" -pid "$BROKER_PID" -quiet \
    2>>"$WORK/tool.log" | grep '^RESULT ' | tail -n 1 || echo "RESULT status=no_result"
  stop_broker
}

echo "== stores: $ARGS ($ROUNDS rounds, fresh broker and directory per run)"
for s in $STORES; do run_once "$s" "warm-$s" >/dev/null; done
: >"$WORK/raw"
for r in $(seq "$ROUNDS"); do
  order=$STORES
  ((r % 2 == 0)) && order=$(echo "$STORES" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
  for s in $order; do
    printf '%s\t%s\t%s\n' "$s" "$r" "$(run_once "$s" "$s-$r")" >>"$WORK/raw"
  done
done
awk -F'\t' '
  function get(line, key,    n, kv, i) { n = split(line, kv, " "); for (i = 1; i <= n; i++) if (index(kv[i], key "=") == 1) return substr(kv[i], length(key) + 2); return "NA" }
  function median(list,    n, a, i, j, t) { n = split(list, a, " "); if (!n) return "NA"; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { s = $1; r = $2; rate[s, r] = get($3, "msg_per_sec"); seen[s] = 1; if (r > nr) nr = r
    printf "   %-14s round %s  %-10s msg_per_sec=%-8s p99_us=%-9s lost=%s broker_cpu_pct=%s cpu_tool_pct=%s other_cpu_pct=%s\n", s, r, get($3, "status"), rate[s, r], get($3, "p99_us"), get($3, "lost"), get($3, "broker_cpu_pct"), get($3, "cpu_tool_pct"), get($3, "other_cpu_pct") }
  END {
    for (s in seen) { l = ""; for (r = 1; r <= nr; r++) l = l " " rate[s, r]; med[s] = median(l); printf "   median %-14s %s msg/s\n", s, med[s] }
    for (s in seen) if (s != "memory" && ("memory" in seen)) {
      l = ""; for (r = 1; r <= nr; r++) if (rate["memory", r] + 0 > 0) l = l " " rate[s, r] / rate["memory", r]
      printf "   ratio  %s/memory %.2f (median of per-round ratios)\n", s, median(l) }
  }' "$WORK/raw"
echo "   raw: ${WORK#"$ROOT"/}/raw"
