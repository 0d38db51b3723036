#!/usr/bin/env bash
# The long fuzz run (README, "Fuzzing"): every Jazzer fuzz target in its own JVM for SECONDS each (default 600),
# through the fuzz-long profile of shared/media, shared/lambda and functions/exports. A finding fails its target
# (the others still run), and Jazzer writes the input as crash-<sha1> beside the target's seeds
# (src/test/resources/.../<Class>Inputs/<target>/), where the regression replay in ./mvnw verify picks it up.
# What each target did is summed up at the end: executions, and whether it found something.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
mkdir -p target
log=target/fuzz-long.log
start=$(date +%s)
./mvnw -B verify -P fuzz-long -pl shared/media,shared/lambda,functions/exports -am \
  -Dfuzz.seconds="$seconds" -Dfuzz.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true > "$log" 2>&1 || true
echo "fuzzed ${seconds} s per target in $(( $(date +%s) - start )) s of wall time; the whole log is $log"
printf '%-20s %12s %8s  %s\n' target executions exec/s result
awk '
  /--- surefire:[^ ]+:test \(fuzz-/ { match($0, /\(fuzz-[^)]+\)/); target = substr($0, RSTART + 6, RLENGTH - 7); runs = "-"; rate = "-" }
  /^Done [0-9]+ runs in [0-9]+ second/ { runs = $2; rate = ($5 > 0 ? int($2 / $5) : $2) }
  /Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ && target != "" && !/ -- in / {
    split($0, f, /[:,] */); failed = ($0 ~ /Failures: 0, Errors: 0/) ? "no finding" : "FINDING (see the log)"
    printf "%-20s %12s %8s  %s\n", target, runs, rate, failed; target = ""
  }' "$log"
git status --porcelain --untracked-files=all -- '*Inputs/*/crash-*' | sed 's/^/new input: /'
