#!/usr/bin/env bash
# ingest-service throughput: Datafaker source -> Kafka (Avro, acks=all, idempotent), one instance.
# Starts real Kafka, schema registry and PostgreSQL through the local-stack launcher on free ports
# (state in ingest-service/target/bench-local-stack), starts the service on a free port, runs a
# warm-up and N measured runs through POST /api/v1/ingestions, and prints users/s published and
# acknowledged (ledger started->finished), plus the machine load before and after.
# Usage: bench/ingest-throughput.sh [users-per-run=1000000] [batch-size=5000] [runs=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -pl ingest-service test-compile
./mvnw -q -pl ingest-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/ingest-service/target/bench-classpath.txt" >/dev/null
cp="$root/ingest-service/target/test-classes:$root/ingest-service/target/classes:$(cat "$root/ingest-service/target/bench-classpath.txt")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"
cd ingest-service
java -Xms1g -Xmx1g -XX:+UseParallelGC -Duserstream.local-stack.dir=target/bench-local-stack -Duserstream.home="$root" \
  -cp "$cp" io.userstream.ingest.bench.IngestThroughputBenchmark "${1:-1000000}" "${2:-5000}" "${3:-3}" \
  | grep -vE '^\s*$'
echo "load after: $(uptime)"
