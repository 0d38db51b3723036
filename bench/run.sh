#!/usr/bin/env bash
# Stowage benchmarks. Usage: bench/run.sh [coldstart|lifecycle|multipart|purge|promote|render|worker|staged|exports|ops|webhooks|probe|all|soak]   (default: all; soak is not part of all)
#
# Builds only this module (and the uploads function's shaded jar if it is missing), then runs the runners in
# fresh JVMs and prints Markdown tables; they are also written to bench/target/{coldstart,lifecycle}/*.md.
# Knobs (environment): BENCH_RUNS (cold-start runs per variant, 5), BENCH_CLIENTS (8), BENCH_PREWARM_S (30, once
# per side), BENCH_WARMUP_S (10, before each measurement), BENCH_MEASURE_S (30), BENCH_ROUNDS (lifecycle rounds,
# each measuring Stowage and the floor once; 2),
# BENCH_ONLY (run only the cold-start variants whose name contains this text, e.g. "plain"; "a|b" for either),
# BENCH_PROBE_OPTS (extra JVM flags for every measured cold-start probe, e.g. a JFR recording; not for training runs),
# BENCH_BASELINE_JAR (another build of the uploads jar, e.g. main's, measured in the same rounds as "Baseline jar"),
# BENCH_JAVA_OPTS (extra options for the runner JVMs, e.g. -Dmicronaut.server.thread-selection=BLOCKING),
# BENCH_MULTIPART_ROUNDS (multipart: rounds of every path, 5), BENCH_MULTIPART_MIB (its size, 200) or BENCH_MULTIPART_KIB, BENCH_UPLOADS (worker: uploads per batch, 100), BENCH_UPLOADERS (worker: concurrent uploading clients, 4).
# BENCH_OPS_DATA (ops: a directory that keeps the seeded database for the next run).
# soak: BENCH_SOAK_MINUTES (20), BENCH_SOAK_CLIENTS (8), BENCH_SOAK_FAULT_EVERY_S (mean seconds between faults, 10),
# BENCH_SOAK_SEED (replays a run's choices).
set -euo pipefail

what="${1:-all}"
case "$what" in coldstart|lifecycle|multipart|purge|promote|render|worker|staged|exports|ops|webhooks|probe|all|soak) ;; *) echo "usage: $0 [coldstart|lifecycle|multipart|purge|promote|render|worker|staged|exports|ops|webhooks|probe|all|soak]" >&2; exit 2 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The soak (issue 12): local/'s SoakTest, the same test every build runs for 8 s, run for BENCH_SOAK_MINUTES with
# the purger every minute and faults at random; its table goes to bench/target/soak/soak.md, the log beside it.
if [[ "$what" == soak ]]; then
  work="$root/bench/target/soak"
  mkdir -p "$work"
  minutes="${BENCH_SOAK_MINUTES:-20}"
  seed=()
  [[ -n "${BENCH_SOAK_SEED:-}" ]] && seed=(-Dstowage.soak.seed="$BENCH_SOAK_SEED")
  echo "[bench] soak: ${minutes} min of mixed load with faults; the whole log is $work/soak.log" >&2
  status=0
  rm -f local/target/soak/soak.md
  ./mvnw -B -o verify -pl local -am -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NONE \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dfuzz.skip=true -Dstowage.soak.duration="PT${minutes}M" \
    -Dstowage.soak.clients="${BENCH_SOAK_CLIENTS:-8}" -Dstowage.soak.fault-every="PT${BENCH_SOAK_FAULT_EVERY_S:-10}S" \
    -Dstowage.soak.purge-every=PT1M -Dstowage.soak.lease=PT30S -Dstowage.soak.drain-limit=PT5M \
    -Dstowage.soak.sample-every=PT30S ${seed[@]+"${seed[@]}"} > "$work/soak.log" 2>&1 || status=$?
  if [[ -f local/target/soak/soak.md ]]; then
    cp local/target/soak/soak.md "$work/soak.md"
    cat "$work/soak.md"
  fi
  grep -E "Tests run:|FAIL" "$work/soak.log" | tail -2 >&2
  exit "$status"
fi
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="$JAVA_HOME/bin/java"
mvn=(./mvnw -B -q -o)

uploads_built="functions/uploads/target/stowage-function-uploads-0.1.0-SNAPSHOT-lambda.jar"
if [[ "$what" != lifecycle && "$what" != render && "$what" != worker && "$what" != promote && ! -f "$uploads_built" ]]; then
  echo "[bench] building the uploads function's shaded jar" >&2
  "${mvn[@]}" -pl functions/uploads -am package -DskipTests
fi

# In the reactor, so the bench runs this tree's modules, never older copies installed in ~/.m2.
# maven.test.skip, not skipTests: the latter also shades every function jar (profile lambda-jars).
echo "[bench] building bench/" >&2
"${mvn[@]}" -pl bench -am package dependency:build-classpath -Dmaven.test.skip=true -DincludeScope=runtime \
  -Dmdep.outputFile=target/runtime.classpath
bench_jar="$root/bench/target/stowage-bench-0.1.0-SNAPSHOT.jar"
cp_file="$root/bench/target/runtime.classpath"
classpath="$bench_jar:$(cat "$cp_file")"

log_props=(-Dlogback.configurationFile="$root/bench/src/main/config/logback-bench.xml")
read -r -a extra_opts <<< "${BENCH_JAVA_OPTS:-}"

if [[ "$what" == coldstart || "$what" == all ]]; then
  work="$root/bench/target/coldstart"
  mkdir -p "$work"
  # A private copy: archives are tied to the jar's size and mtime, and others may rebuild the original meanwhile.
  cp "$uploads_built" "$work/uploads-lambda.jar"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.uploadsJar="$work/uploads-lambda.jar" -Dbench.jar="$bench_jar" -Dbench.workDir="$work" \
    -Dbench.runs="${BENCH_RUNS:-5}" -Dbench.only="${BENCH_ONLY:-}" -Dbench.probeOpts="${BENCH_PROBE_OPTS:-}" \
    -Dbench.baselineJar="${BENCH_BASELINE_JAR:-}" \
    dev.stowage.bench.ColdStartBench
fi

if [[ "$what" == lifecycle || "$what" == all ]]; then
  work="$root/bench/target/lifecycle"
  mkdir -p "$work"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.workDir="$work" \
    -Dbench.clients="${BENCH_CLIENTS:-8}" -Dbench.prewarmSeconds="${BENCH_PREWARM_S:-30}" \
    -Dbench.warmupSeconds="${BENCH_WARMUP_S:-10}" \
    -Dbench.measureSeconds="${BENCH_MEASURE_S:-30}" -Dbench.rounds="${BENCH_ROUNDS:-2}" \
    -Dbench.profile="${BENCH_PROFILE:-document}" \
    dev.stowage.bench.LifecycleBench
fi

if [[ "$what" == multipart || "$what" == all ]]; then
  work="$root/bench/target/multipart"
  mkdir -p "$work"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.mp4="$root/shared/testkit/src/main/resources/media/clip.mp4" \
    -Dbench.multipartMib="${BENCH_MULTIPART_MIB:-200}" -Dbench.rounds="${BENCH_MULTIPART_ROUNDS:-5}" \
    ${BENCH_MULTIPART_KIB:+-Dbench.multipartKib="$BENCH_MULTIPART_KIB"} \
    dev.stowage.bench.MultipartBench | tee "$work/multipart.md"
fi

if [[ "$what" == probe ]]; then
  # SnapStart's probe and render priming: a fresh JVM's first probes and renders, with the template's flags (C1) and without.
  media="$root/shared/testkit/src/main/resources/media"
  for flags in "" "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"; do
    echo "[bench] first probes, flags: ${flags:-(none)}" >&2
    # shellcheck disable=SC2086
    "$java" $flags --enable-native-access=ALL-UNNAMED "${log_props[@]}" -cp "$classpath" dev.stowage.bench.FirstProbe \
      "$media/landscape.jpg" "$media/doc.pdf" "$media/clip.mp4"
  done
fi

if [[ "$what" == purge || "$what" == all ]]; then
  work="$root/bench/target/purge"
  mkdir -p "$work"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.purgeSessions="${BENCH_PURGE_SESSIONS:-10000}" -Dbench.purgeStagedFiles="${BENCH_PURGE_STAGED_FILES:-5000}" \
    dev.stowage.bench.PurgeBench | tee "$work/purge.md"
fi

if [[ "$what" == promote || "$what" == all ]]; then
  work="$root/bench/target/promote"
  mkdir -p "$work"
  # Stages a 1 GiB object in a temporary s3proxy directory (up to ~3 GiB of disk while a copy in parts runs).
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.rounds="${BENCH_ROUNDS:-3}" \
    dev.stowage.bench.PromoteBench | tee "$work/promote.md"
fi

if [[ "$what" == staged || "$what" == all ]]; then
  work="$root/bench/target/staged"
  mkdir -p "$work"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.stagedCalls="${BENCH_STAGED_CALLS:-1000}" \
    dev.stowage.bench.StagedFileBench | tee "$work/staged.md"
fi

if [[ "$what" == exports || "$what" == all ]]; then
  work="$root/bench/target/exports"
  mkdir -p "$work"
  # -Xmx128m: the issue's heap goal for the exporting JVM (which here also runs the local S3 server).
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" -Xmx128m ${extra_opts[@]+"${extra_opts[@]}"} \
    -cp "$classpath" -Dbench.exportRows="${BENCH_EXPORT_ROWS:-1000000}" \
    dev.stowage.bench.ExportBench | tee "$work/exports.md"
fi

if [[ "$what" == ops || "$what" == all ]]; then
  work="$root/bench/target/ops"
  mkdir -p "$work"
  # Seeds 1,000,000 assets and 3,000,000 variants (a few minutes), then times the report; full plans in $work.
  # BENCH_OPS_DATA=DIR keeps the seeded database there, and a later run with the same DIR reuses it.
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.workDir="$work" -Dbench.runs="${BENCH_RUNS:-7}" -Dbench.profile="${BENCH_PROFILE:-video}" \
    -Dbench.dataDir="${BENCH_OPS_DATA:-}" \
    dev.stowage.bench.OpsBench | tee "$work/ops.md"
fi

if [[ "$what" == webhooks || "$what" == all ]]; then
  work="$root/bench/target/webhooks"
  mkdir -p "$work"
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    -Dbench.webhookEvents="${BENCH_WEBHOOK_EVENTS:-2000}" -Dbench.rounds="${BENCH_ROUNDS:-3}" \
    dev.stowage.bench.WebhookBench | tee "$work/webhooks.md"
fi

if [[ "$what" == render || "$what" == all ]]; then
  work="$root/bench/target/render"
  mkdir -p "$work"
  # Needs Debian's libvips42 (the renderer) and libvips-tools (the vipsthumbnail baseline).
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    --enable-native-access=ALL-UNNAMED -Dbench.workDir="$work" -Dbench.runs="${BENCH_RUNS:-5}" \
    dev.stowage.bench.RenderBench | tee "$work/render.md"
fi

if [[ "$what" == worker || "$what" == all ]]; then
  work="$root/bench/target/worker"
  mkdir -p "$work"
  # The local stack renders with libvips (libvips42) when it loads, else the Java renderer; the table names which.
  # The domain logs every render through java.util.logging on stderr: kept out of the terminal, in worker.log.
  echo "[bench] worker: progress and the stack's render log in $work/worker.log" >&2
  "$java" "${log_props[@]}" -Dbench.log="$work/runner.log" ${extra_opts[@]+"${extra_opts[@]}"} -cp "$classpath" \
    --enable-native-access=ALL-UNNAMED -Dbench.workDir="$work" \
    -Dbench.uploads="${BENCH_UPLOADS:-100}" -Dbench.uploaders="${BENCH_UPLOADERS:-4}" \
    dev.stowage.bench.WorkerBench 2> "$work/worker.log" | tee "$work/worker.md"
fi
