#!/usr/bin/env bash
# Fetches parquet-java (and a shaded Hadoop client) from Maven Central into .cache/jvm/lib and compiles
# ParquetProbe into .cache/jvm/classes. Idempotent: does nothing when both are already there.
# Usage: test/jvm/fetch.sh   (from anywhere; needs mvn and a JDK 17+)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${TICKFLOW_JVM_CACHE:-$root/.cache/jvm}"
lib="$cache/lib"
classes="$cache/classes"

if ! ls "$lib"/parquet-hadoop-*.jar >/dev/null 2>&1; then
  command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (install Maven 3)" >&2; exit 1; }
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" -DincludeScope=runtime
fi
if [ ! -f "$classes/ParquetProbe.class" ] || [ "$here/src/ParquetProbe.java" -nt "$classes/ParquetProbe.class" ]; then
  mkdir -p "$classes"
  javac -nowarn -d "$classes" -cp "$lib/*" "$here/src/ParquetProbe.java"
fi
echo "$classes:$lib/*"
