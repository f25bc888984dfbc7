#!/usr/bin/env bash
# Regenerates libs/kafka-core/test/fixtures/murmur2-vectors.json from the Java client itself, so
# the TypeScript partitioner is tested against the real thing. The fixture is committed; run this
# only when the key table or the Kafka version changes.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../../.." && pwd)
classes_dir="$repo_root/.kafka/partitioner-vectors"
fixture="$repo_root/libs/kafka-core/test/fixtures/murmur2-vectors.json"

bash "$repo_root/tools/kafka/kafka.sh" install
clients_jar=$(find "$repo_root/.kafka/libs" -name 'kafka-clients-*.jar' | head -n1)
[[ -n "$clients_jar" ]] || { echo "generate.sh: kafka-clients jar not found in .kafka/libs" >&2; exit 1; }
command -v javac >/dev/null || { echo "generate.sh: javac (JDK 17+) is required" >&2; exit 1; }

rm -rf "$classes_dir"
mkdir -p "$classes_dir" "$(dirname "$fixture")"
javac -nowarn -encoding UTF-8 -d "$classes_dir" -cp "$clients_jar" "$script_dir/PartitionerVectors.java"
# The full broker classpath: kafka-clients needs slf4j, and log4j there keeps it quiet.
trap 'rm -f "$fixture.tmp"' EXIT
java -cp "$classes_dir:$repo_root/.kafka/libs/*" PartitionerVectors >"$fixture.tmp"
mv "$fixture.tmp" "$fixture"
echo "generate.sh: wrote $(grep -c keyHex "$fixture") vectors from $(basename "$clients_jar") to ${fixture#"$repo_root"/}"
