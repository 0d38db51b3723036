#!/usr/bin/env bash
# bench/local-start.sh [RUNS]: how long `./stowage local` takes from a warm build to GET /health 200,
# beside a bare `java -version` on the same JDK, median of RUNS (default 5), interleaved.
# Each launcher run is --ephemeral (a fresh PostgreSQL initdb and s3proxy each time, the worst case).
set -euo pipefail
cd "$(dirname "$0")/.."
source local/find-java25.sh
runs=${1:-5}
jar=local/target/stowage-local.jar
[[ -f $jar ]] || ./mvnw -B -q -DskipTests -pl local -am package
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
launcher=(); bare=()
for i in $(seq "$runs"); do
  start=$(now_ms); "$STOWAGE_JAVA" -version >/dev/null 2>&1; bare+=($(( $(now_ms) - start )))
  start=$(now_ms)
  "$STOWAGE_JAVA" --enable-native-access=ALL-UNNAMED -jar "$jar" local --ephemeral --port "$port" >/tmp/stowage-local-start.log 2>&1 &
  pid=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)" == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || { echo "launcher died; see /tmp/stowage-local-start.log" >&2; exit 1; }
    sleep 0.05
  done
  launcher+=($(( $(now_ms) - start )))
  kill -INT "$pid"; wait "$pid" || true
done
l=$(printf '%s\n' "${launcher[@]}" | median); b=$(printf '%s\n' "${bare[@]}" | median)
echo "| ./stowage local → /health 200 (ephemeral) | $l ms | runs: ${launcher[*]} |"
echo "| java -version | $b ms | runs: ${bare[*]} |"
echo "| ratio | $(awk "BEGIN {printf \"%.1f\", $l/$b}")× | goal: launcher under 8000 ms |"
