# Sourced by ./stowage and .ci/run: point JAVA_HOME at a JDK 25 when it is not one already.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || "$(java_major "$JAVA_HOME")" != 25 ]]; then
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [[ -x "$candidate/bin/javac" && "$(java_major "$candidate")" == 25 ]]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [[ -z "${JAVA_HOME:-}" || "$(java_major "$JAVA_HOME")" != 25 ]]; then
  echo "stowage: no JDK 25 found; set JAVA_HOME to one (looked in /usr/lib/jvm)" >&2
  exit 1
fi
