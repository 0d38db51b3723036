#!/usr/bin/env bash
# Micronaut AOT, weighed for issue 11 (bench/README.md, "Micronaut AOT, weighed"): runs the AOT optimizer on the
# uploads function's shaded jar and writes bench/target/aot/uploads-aot.jar (the jar with the generated classes
# added and the resources they replace removed). Not part of the build: see the README for what it breaks.
# Measure it against the plain jar with:
#   BENCH_BASELINE_JAR=bench/target/aot/uploads-aot.jar \
#   BENCH_JAVA_OPTS=-Dbench.baselineHandler=dev.stowage.functions.uploads.UploadsFunction \
#   BENCH_ONLY="Stowage uploads, default|Stowage uploads, C1|Baseline jar|Plain handler, default" bench/run.sh coldstart
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
work="$root/bench/target/aot"
jar="functions/uploads/target/stowage-function-uploads-0.1.0-SNAPSHOT-lambda.jar"
[[ -f "$jar" ]] || ./mvnw -B -q -o -pl functions/uploads -am package -DskipTests
rm -rf "$work" && mkdir -p "$work"
# micronaut-aot-cli 2.9.0 (micronaut-parent 4.10.8's) is not served here; 2.8.0 is, with its api, core and optimizers.
cat > "$work/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>dev.stowage</groupId><artifactId>aot-cli</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.micronaut.aot</groupId><artifactId>micronaut-aot-cli</artifactId><version>2.8.0</version></dependency>
    <dependency><groupId>io.micronaut.aot</groupId><artifactId>micronaut-aot-std-optimizers</artifactId><version>2.8.0</version></dependency>
  </dependencies>
</project>
POM
./mvnw -B -q -f "$work/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/cli.classpath"
cli="$(cat "$work/cli.classpath")"
"$java" -cp "$cli" io.micronaut.aot.cli.Main --config=bench/aot/aot.properties --classpath="$cli:$root/$jar" \
  --package=dev.stowage.aot --runtime=jit --output="$work/out" > "$work/aot.log" 2>&1
python3 - "$root/$jar" "$work" <<'PY'
import os, sys, zipfile
src, work = sys.argv[1], sys.argv[2]
drop = set(open(os.path.join(work, "out/logs/resource-filter.txt")).read().split())
classes = os.path.join(work, "out/classes")
add = {os.path.relpath(os.path.join(d, f), classes): os.path.join(d, f) for d, _, fs in os.walk(classes) for f in fs}
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(work, "uploads-aot.jar"), "w", zipfile.ZIP_DEFLATED) as zout:
    for e in zin.infolist():
        if e.filename not in drop and e.filename not in add:
            zout.writestr(e, zin.read(e.filename))
    for name, path in add.items():
        zout.write(path, name)
print("dropped", sorted(drop))
PY
echo "[aot] $work/uploads-aot.jar; beans the optimizer filtered out at build time: $work/out/logs/serviceloading.log" >&2
