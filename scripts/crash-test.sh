#!/usr/bin/env bash
# Kills a broker with SIGKILL under QoS 1/2 load, N times over, and checks after each run that nothing the broker
# acknowledged was lost and no QoS 2 message was delivered twice or out of order (see StoreCrashHarness).
#
#   scripts/crash-test.sh N [server.jar] [kills-per-run]
#
# N runs of kills-per-run SIGKILLs each (scripts/crash-test.sh 20 mqttx-server/target/mqttx.jar: 100 kills).
# Without a jar the broker runs from the build's classpath (CrashTestServer). Extra JVM options for the harness:
# CRASH_OPTS, e.g. CRASH_OPTS='-Dmqttx.crash.args=--mqttx.socket.port={port} --mqttx.store.path={dir} --mqttx.store.sync=true'
# (the jar's command-line arguments, with {port} and {dir} filled in; the default is StoreCrashHarness.DEFAULT_JAR_ARGS)
# or -Dmqttx.crash.store=sync. Each run prints its verdict (Result[... gaps1=lost QoS 1, duplicates1=QoS 1 resends,
# lost2, duplicates2, outOfOrder2 ...] PASSED/FAILED); the last line sums up the runs.
set -euo pipefail
runs=${1:?usage: scripts/crash-test.sh N [server.jar] [kills-per-run]}
server=${2:---classpath}
kills=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

./mvnw -q test-compile -pl mqttx-broker
cpfile=$(mktemp)
./mvnw -q dependency:build-classpath -pl mqttx-broker -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp="$root/mqttx-broker/target/test-classes:$root/mqttx-broker/target/classes:$(cat "$cpfile")"
rm -f "$cpfile"

work=$(mktemp -d -t mqttx-crash.XXXXXX)
failed=0
for i in $(seq 1 "$runs"); do
  seed=$RANDOM$RANDOM
  # shellcheck disable=SC2086
  if java ${CRASH_OPTS:-} -cp "$cp" io.mqttx.broker.store.crash.StoreCrashHarness "$server" "$work/store-$i" \
      "$kills" "$seed"; then
    rm -rf "$work/store-$i" "$work/store-$i-server.log"
  else
    failed=$((failed + 1))
    echo "run $i FAILED (seed $seed): data and server log kept in $work"
  fi
done
echo "crash-test: $((runs - failed)) passed, $failed failed"
[ "$failed" -eq 0 ] && rm -rf "$work"
exit $(( failed > 0 ))
