#!/usr/bin/env bash
# Runs the whole test suite. First installs what the tests need and the machine lacks (Debian packages), so a
# fresh machine needs nothing but this script. Extra arguments go to Maven (e.g. -pl mqttx-broker).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
# the WebSocket browser test runs MQTT.js in headless Chromium
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# MQTT.js for the browser test, at the version package-lock.json pins
(cd mqttx-broker/src/test/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

exec ./mvnw -B -ntp verify "$@"
