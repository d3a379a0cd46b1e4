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

# Test files may run this at the same time: each step builds in a private directory and renames it into
# place, so no caller ever sees a half-copied jar set or a half-written class file.
mkdir -p "$cache"
if ! ls "$lib"/parquet-hadoop-*.jar >/dev/null 2>&1; then
  command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (install Maven 3)" >&2; exit 1; }
  tmp="$(mktemp -d "$cache/lib.XXXXXX")"
  # mvn writes colour codes to stdout even with -q; stdout is the classpath this script prints.
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime >&2
  mv -T "$tmp" "$lib" 2>/dev/null || rm -rf "$tmp"
fi
if [ ! -f "$classes/ParquetProbe.class" ] || [ "$here/src/ParquetProbe.java" -nt "$classes/ParquetProbe.class" ]; then
  tmp="$(mktemp -d "$cache/classes.XXXXXX")"
  javac -nowarn -d "$tmp" -cp "$lib/*" "$here/src/ParquetProbe.java"
  rm -rf "$classes.old" && { [ ! -e "$classes" ] || mv -T "$classes" "$classes.old"; }
  mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp"
  rm -rf "$classes.old"
fi
echo "$classes:$lib/*"
