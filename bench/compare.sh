#!/usr/bin/env bash
# Runs one benchmark workload against Mosquitto and mqttx, alternating, and prints each figure per
# round and the median ratio mqttx/Mosquitto.
#
#   bench/compare.sh WORKLOAD [ROUNDS]
#   WORKLOAD: pub0 pub1 pub2 e2e1 e2e1-rate fanout0 conn-hold all
#
# Environment:
#   ROUNDS=3          measured rounds per broker (after one warm-up run each)
#   SCALE=1           multiplies message counts (and conn-hold's connection count): SCALE=0.1 for a quick run
#   MQTTX_CMD=...     command starting mqttx; PORT is replaced by its port. Default:
#                     java -jar mqttx-server/target/mqttx.jar --mqttx.socket.port=PORT --mqttx.enable-test-mode=true
#                       --mqttx.limits.max-inflight=1000 --mqttx.limits.max-queued-messages=2147483647
#                     (the same in-flight window and unbounded queue Mosquitto gets below; skipped, with a
#                     note, when unset and that jar does not exist)
#   BENCH_JAVA_OPTS   JVM options of the load generator (default -Xms1g -Xmx4g)
#   RUN_TIMEOUT=1200  seconds before a single run is killed (the tool has its own timeouts; this is a backstop)
#   QUIET_MAX_BUSY=30 before each run, wait until the machine is at most this busy (percent of one core)...
#   QUIET_MAX_WAIT=120 ...but no longer than this many seconds
#   RESULTS_DIR       where the TSV goes (default bench/results)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

WORKLOAD=${1:-}
ROUNDS=${2:-${ROUNDS:-3}}
SCALE=${SCALE:-1}
BENCH_JAR=${BENCH_JAR:-$ROOT/mqttx-bench/target/mqttx-bench.jar}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx4g}
RUN_TIMEOUT=${RUN_TIMEOUT:-1200}
QUIET_MAX_BUSY=${QUIET_MAX_BUSY:-30}
QUIET_MAX_WAIT=${QUIET_MAX_WAIT:-120}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}
DEFAULT_MQTTX_JAR=$ROOT/mqttx-server/target/mqttx.jar
# The limits Mosquitto gets in start_mosquitto (max_inflight_messages 1000, max_queued_messages 0): with
# mqttx's defaults (32 in flight, 1,000 queued, oldest dropped) e2e would measure the drop policy.
DEFAULT_MQTTX_CMD="java -jar $DEFAULT_MQTTX_JAR --mqttx.socket.port=PORT --mqttx.enable-test-mode=true \
--mqttx.limits.max-inflight=1000 --mqttx.limits.max-queued-messages=2147483647"
ALL_WORKLOADS="pub0 pub1 pub2 e2e1 e2e1-rate fanout0 conn-hold"

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

case "$WORKLOAD" in
  all) WORKLOADS=$ALL_WORKLOADS ;;
  pub0|pub1|pub2|e2e1|e2e1-rate|fanout0|conn-hold) WORKLOADS=$WORKLOAD ;;
  *) usage ;;
esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, not '$ROUNDS'" >&2; exit 2; }

# Broker configs and logs, and the tool's stderr, stay next to the TSVs for a look after a bad run.
WORK=$RESULTS_DIR/run-$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$WORK"
STARTED_PIDS=()

# Each broker runs in its own session (setsid), so stopping its process group also stops anything
# it spawned; only groups this script started are signalled.
stop_group() { # pid
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_group "$pid"
  done
  STARTED_PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }

# A loopback port nothing listens on, below the ephemeral range so the benchmark's own outgoing
# connections cannot take it.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

wait_for_port() { # port seconds pid
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    kill -0 "$3" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

ensure_mosquitto() {
  if command -v mosquitto >/dev/null 2>&1; then
    MOSQUITTO_BIN=$(command -v mosquitto)
  elif [[ -x /usr/sbin/mosquitto ]]; then
    MOSQUITTO_BIN=/usr/sbin/mosquitto
  else
    log "mosquitto not found: installing it with apt-get"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y mosquitto
    MOSQUITTO_BIN=/usr/sbin/mosquitto
  fi
}

ensure_bench_jar() {
  if [[ ! -f "$BENCH_JAR" ]]; then
    log "building $BENCH_JAR"
    ./mvnw -q -f mqttx-bench/pom.xml package -DskipTests
  fi
}

# Sets MOSQ_PID and MOSQ_PORT.
start_mosquitto() {
  MOSQ_PORT=$(free_port)
  # max_queued_messages 0 is "no maximum" (man mosquitto.conf): the default of 1000 would silently
  # drop QoS 1/2 messages queued for a subscriber that falls behind during e2e, and the run would
  # measure the drop policy instead of delivery. In-flight is raised from 20 for the same reason.
  # TCP_NODELAY: with Nagle on, small deliveries wait for delayed ACKs (~40 ms), which is what p99
  # latency would show; mqttx (Netty) sets it.
  cat >"$WORK/mosquitto.conf" <<EOF
listener $MOSQ_PORT 127.0.0.1
allow_anonymous true
max_connections -1
max_inflight_messages 1000
max_queued_messages 0
set_tcp_nodelay true
persistence false
log_dest stderr
log_type error
log_type warning
EOF
  setsid "$MOSQUITTO_BIN" -c "$WORK/mosquitto.conf" >>"$WORK/mosquitto.log" 2>&1 &
  MOSQ_PID=$!
  STARTED_PIDS+=("$MOSQ_PID")
  if ! wait_for_port "$MOSQ_PORT" 10 "$MOSQ_PID"; then
    log "mosquitto did not start; its log:"
    cat "$WORK/mosquitto.log" >&2
    exit 1
  fi
}

# Sets MQTTX_PID and MQTTX_PORT, or MQTTX_PID="" when mqttx is skipped.
start_mqttx() {
  MQTTX_PID=""
  local cmd=${MQTTX_CMD:-}
  if [[ -z "$cmd" ]]; then
    if [[ ! -f "$DEFAULT_MQTTX_JAR" ]]; then
      return
    fi
    cmd=$DEFAULT_MQTTX_CMD
  fi
  MQTTX_PORT=$(free_port)
  cmd=${cmd//PORT/$MQTTX_PORT}
  # exec: the pid we keep is the broker's own, so -pid reports its CPU and RSS, not a shell's.
  setsid bash -c "exec $cmd" >>"$WORK/mqttx.log" 2>&1 &
  MQTTX_PID=$!
  STARTED_PIDS+=("$MQTTX_PID")
  if ! wait_for_port "$MQTTX_PORT" 90 "$MQTTX_PID"; then
    log "mqttx did not start with: $cmd; the end of its log:"
    tail -n 40 "$WORK/mqttx.log" >&2
    exit 1
  fi
}

# Busy time of the whole machine, in percent of one core, over one second.
machine_busy_pct() {
  local a b
  read -r -a a < /proc/stat
  sleep 1
  read -r -a b < /proc/stat
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= 9; i++) { d = y[i] - x[i]; total += d; if (i != 5 && i != 6) busy += d }
    # jiffies are 1/100 s, so busy jiffies over one second are percent of one core.
    print int(busy + 0.5)
  }'
}

# Other work on a shared machine skews every figure: wait (bounded) until it is idle.
wait_quiet() {
  local busy deadline=$((SECONDS + QUIET_MAX_WAIT))
  while :; do
    busy=$(machine_busy_pct)
    ((busy <= QUIET_MAX_BUSY)) && return 0
    if ((SECONDS >= deadline)); then
      log "   warning: machine still ${busy}% busy after waiting ${QUIET_MAX_WAIT} s; running anyway (see other_cpu_pct)"
      return 0
    fi
  done
}

scaled() { # count [scale]
  awk -v n="$1" -v s="${2:-$SCALE}" 'BEGIN { v = int(n * s + 0.5); if (v < 1) v = 1; print v }'
}

workload_args() { # workload scale
  local s=$2
  case "$1" in
    pub0) echo "pub -clients 1000 -count $(scaled 1000 "$s") -size 1024 -qos 0" ;;
    pub1) echo "pub -clients 1000 -count $(scaled 500 "$s") -size 1024 -qos 1" ;;
    pub2) echo "pub -clients 1000 -count $(scaled 200 "$s") -size 1024 -qos 2" ;;
    e2e1) echo "e2e -pubs 10 -subs 10 -sub-mode wildcard -count $(scaled 10000 "$s") -size 1024 -qos 1" ;;
    # 30 s at 1,000 msg/s in all; the first 5 s of each publisher are left out of the percentiles.
    e2e1-rate) echo "e2e -pubs 10 -subs 10 -sub-mode wildcard -count $(scaled 3000 "$s") -size 1024 -qos 1 -rate 1000 -warmup-count $(scaled 500 "$s")" ;;
    fanout0) echo "fanout -subs 100 -count $(scaled 10000 "$s") -size 1024 -qos 0" ;;
    conn-hold) echo "conn -clients $(scaled 100000 "$s") -hold 10 -connect-concurrency 200" ;;
  esac
}

# The figures shown per round; everything else is in the TSV.
headline_keys() {
  case "$1" in
    pub*) echo "msg_per_sec p50_us p99_us cpu_tool_pct broker_cpu_pct other_cpu_pct" ;;
    e2e1) echo "msg_per_sec p50_us p99_us p999_us lost dup ooo cpu_tool_pct broker_cpu_pct other_cpu_pct" ;;
    e2e1-rate) echo "p50_us p99_us p999_us lost dup ooo broker_cpu_pct other_cpu_pct" ;;
    fanout0) echo "msg_per_sec p99_us lost cpu_tool_pct broker_cpu_pct other_cpu_pct" ;;
    conn-hold) echo "connected failed conn_per_sec p99_us broker_rss_kb rss_per_conn_bytes" ;;
  esac
}

# Runs the tool once; prints its RESULT line (or a synthetic failed one) on stdout.
run_tool() { # broker-name port pid args...
  local name=$1 port=$2 pid=$3
  shift 3
  local out rc=0
  # shellcheck disable=SC2086
  out=$(timeout --kill-after=10 "$RUN_TIMEOUT" java $BENCH_JAVA_OPTS -jar "$BENCH_JAR" "$@" \
          -broker "tcp://127.0.0.1:$port" -pid "$pid" 2>>"$WORK/$name.tool.log") || rc=$?
  local line
  line=$(printf '%s\n' "$out" | grep '^RESULT ' | tail -n 1 || true)
  if [[ -z "$line" ]]; then
    line="RESULT status=no_result"
  fi
  printf '%s exit=%s\n' "$line" "$rc"
}

run_workload() {
  local w=$1
  local args warm_args
  args=$(workload_args "$w" "$SCALE")
  warm_args=$(workload_args "$w" "$(awk -v s="$SCALE" 'BEGIN { print s / 5 }')")
  echo
  echo "== $w: $args (SCALE=$SCALE, $ROUNDS rounds)"

  start_mosquitto
  start_mqttx
  local brokers=(mosquitto)
  if [[ -n "$MQTTX_PID" ]]; then
    brokers+=(mqttx)
  else
    echo "   mqttx skipped: MQTTX_CMD is unset and $DEFAULT_MQTTX_JAR does not exist"
  fi

  # A broker's RSS rarely shrinks after a run, so an RSS-per-connection figure needs a fresh broker
  # (on a fresh port, away from the last run's TIME_WAIT connections) for every run.
  local fresh=0
  [[ $w == conn-hold ]] && fresh=1

  local b port pid
  for b in "${brokers[@]}"; do
    if [[ $b == mosquitto ]]; then port=$MOSQ_PORT pid=$MOSQ_PID; else port=$MQTTX_PORT pid=$MQTTX_PID; fi
    log "   warm-up $b: $warm_args"
    # shellcheck disable=SC2086
    run_tool "$b" "$port" "$pid" $warm_args -quiet >/dev/null
  done

  local raw=$WORK/$w.raw
  : >"$raw"
  local r i order
  for r in $(seq "$ROUNDS"); do
    # Alternate who goes first, so neither broker always runs on the warmer machine.
    if ((r % 2 == 1)); then order=("${brokers[@]}"); else order=(); for ((i = ${#brokers[@]} - 1; i >= 0; i--)); do order+=("${brokers[i]}"); done; fi
    for b in "${order[@]}"; do
      if ((fresh)); then
        if [[ $b == mosquitto ]]; then stop_group "$MOSQ_PID"; start_mosquitto; else stop_group "$MQTTX_PID"; start_mqttx; fi
      fi
      if [[ $b == mosquitto ]]; then port=$MOSQ_PORT pid=$MOSQ_PID; else port=$MQTTX_PORT pid=$MQTTX_PID; fi
      wait_quiet
      log "   round $r $b"
      local line
      # shellcheck disable=SC2086
      line=$(run_tool "$b" "$port" "$pid" $args -quiet)
      printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$w" "$b" "$r" "$line" >>"$raw"
    done
  done
  cleanup

  mkdir -p "$RESULTS_DIR"
  local tsv
  tsv=$RESULTS_DIR/$w-$(date -u +%Y%m%dT%H%M%SZ).tsv
  to_tsv <"$raw" >"$tsv"
  report "$w" <"$raw"
  echo "   TSV: ${tsv#"$ROOT"/}  logs: ${WORK#"$ROOT"/}"
}

# raw lines: time, workload, broker, round, "RESULT k=v ... exit=N" -> one TSV with a column per key.
to_tsv() {
  awk -F'\t' '
    {
      n = split($5, kv, " ")
      row[NR] = $1 "\t" $2 "\t" $3 "\t" $4
      for (i = 2; i <= n; i++) {
        eq = index(kv[i], "=")
        k = substr(kv[i], 1, eq - 1)
        if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
        val[NR, k] = substr(kv[i], eq + 1)
      }
    }
    END {
      printf "time\tworkload\tserver\tround"
      for (j = 1; j <= nk; j++) printf "\t%s", keys[j]
      printf "\n"
      for (r = 1; r <= NR; r++) {
        printf "%s", row[r]
        for (j = 1; j <= nk; j++) printf "\t%s", ((r, keys[j]) in val ? val[r, keys[j]] : "")
        printf "\n"
      }
    }'
}

report() { # workload; raw lines on stdin
  awk -F'\t' -v keys="$(headline_keys "$1")" '
    function median(list,    n, a, i, j, t) {
      n = split(list, a, " ")
      if (n == 0) return "NA"
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
    {
      n = split($5, kv, " ")
      b = $3; r = $4
      rounds[r] = 1; brokers[b] = 1
      for (i = 2; i <= n; i++) {
        eq = index(kv[i], "=")
        v[b, r, substr(kv[i], 1, eq - 1)] = substr(kv[i], eq + 1)
      }
    }
    END {
      nk = split(keys, k, " ")
      printf "   %-6s %-10s %-10s", "round", "broker", "status"
      for (j = 1; j <= nk; j++) printf " %14s", k[j]
      printf "\n"
      nr = 0
      for (r in rounds) nr++
      for (r = 1; r <= nr; r++) {
        for (bi = 1; bi <= 2; bi++) {
          b = bi == 1 ? "mosquitto" : "mqttx"
          if (!(b in brokers)) continue
          printf "   %-6s %-10s %-10s", r, b, v[b, r, "status"] "/" v[b, r, "exit"]
          for (j = 1; j <= nk; j++) printf " %14s", v[b, r, k[j]]
          printf "\n"
        }
      }
      for (bi = 1; bi <= 2; bi++) {
        b = bi == 1 ? "mosquitto" : "mqttx"
        if (!(b in brokers)) continue
        printf "   %-6s %-10s %-10s", "median", b, ""
        for (j = 1; j <= nk; j++) {
          list = ""
          for (r = 1; r <= nr; r++) if (num(v[b, r, k[j]])) list = list " " v[b, r, k[j]]
          printf " %14s", median(list)
        }
        printf "\n"
      }
      printf "   %-6s %-21s", "ratio", "mqttx/mosquitto"
      for (j = 1; j <= nk; j++) {
        list = ""
        if ("mqttx" in brokers) {
          for (r = 1; r <= nr; r++) {
            a = v["mqttx", r, k[j]]; m = v["mosquitto", r, k[j]]
            if (num(a) && num(m) && m + 0 != 0) list = list " " (a / m)
          }
        }
        med = median(list)
        printf " %14s", med == "NA" ? "n/a" : sprintf("%.2f", med)
      }
      printf "\n"
    }'
}

ensure_mosquitto
ensure_bench_jar
# Idle-connection runs need a descriptor per connection in both the tool and the broker.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "mqttx vs Mosquitto: $(nproc) cores, $(date -u +%Y-%m-%d), open files limit $(ulimit -n)"
for w in $WORKLOADS; do
  run_workload "$w"
done
