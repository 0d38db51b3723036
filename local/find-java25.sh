# Sourced by ./stowage: sets STOWAGE_JAVA to the java of a JDK 25 (JAVA_HOME if it is one, else the first
# under /usr/lib/jvm), the same JDK that Maven's toolchain discovery picks for the build.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
STOWAGE_JAVA=
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" && "$(java_major "$candidate")" == 25 ]]; then
    STOWAGE_JAVA="$candidate/bin/java"
    break
  fi
done
if [[ -z "$STOWAGE_JAVA" ]]; then
  echo "stowage: no JDK 25 found; install one under /usr/lib/jvm or set JAVA_HOME to one" >&2
  exit 1
fi
