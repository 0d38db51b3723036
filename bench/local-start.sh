#!/usr/bin/env bash
# bench/local-start.sh [RUNS]: how long `./stowage local` takes from a warm build to GET /health 200,
# beside a bare `java -version` on the same JDK, median of RUNS (default 5), interleaved. Two launcher
# variants: --ephemeral (a fresh PostgreSQL initdb each time, the first start's cost) and --data DIR
# started before (the everyday restart: initdb and migrations already done). Each run is
# stopped with Ctrl-C (SIGINT, reset to its default: a background job of a script inherits it ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
source local/find-java25.sh
runs=${1:-5}
jar=local/target/stowage-local.jar
[[ -f $jar ]] || ./mvnw -B -q -DskipTests -pl local -am package
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# Starts the launcher with "$@", waits for /health 200, prints the milliseconds, stops it with Ctrl-C.
start_ms() {
  local start pid
  start=$(now_ms)
  env --default-signal=INT "$STOWAGE_JAVA" --enable-native-access=ALL-UNNAMED -jar "$jar" local --port "$port" "$@" \
    >/tmp/stowage-local-start.log 2>&1 &
  pid=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)" == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || { echo "launcher died; see /tmp/stowage-local-start.log" >&2; exit 1; }
    sleep 0.05
  done
  echo $(( $(now_ms) - start ))
  kill -INT "$pid"; wait "$pid" || true
}
start_ms --data "$data" >/dev/null # the first start of a data directory: initdb, migrations
ephemeral=(); kept=(); bare=()
for i in $(seq "$runs"); do
  start=$(now_ms); "$STOWAGE_JAVA" -version >/dev/null 2>&1; bare+=($(( $(now_ms) - start )))
  ephemeral+=($(start_ms --ephemeral))
  kept+=($(start_ms --data "$data"))
done
e=$(printf '%s\n' "${ephemeral[@]}" | median); k=$(printf '%s\n' "${kept[@]}" | median)
b=$(printf '%s\n' "${bare[@]}" | median)
echo "| ./stowage local --data DIR (restart) → /health 200 | $k ms | runs: ${kept[*]} |"
echo "| ./stowage local --ephemeral → /health 200 | $e ms | runs: ${ephemeral[*]} |"
echo "| java -version | $b ms | runs: ${bare[*]} |"
echo "| ratio restart / java -version | $(awk "BEGIN {printf \"%.0f\", $k/$b}")× | goal: launcher under 8000 ms |"
