#!/usr/bin/env bash
# Throughput of one stream-processor instance with exactly_once_v2 (issue 4 target: >= 25,000 records/s).
# Starts a fresh Kafka and schema registry on free ports (launcher, scratch state under
# stream-processor/target/bench-throughput), pre-fills users_created (6 partitions) with N valid users,
# starts the application, and times from RUNNING until the application's committed input offsets reach N
# (with exactly_once_v2 these commit atomically with the outputs), then checks the output counts.
# Usage: bench/stream-processor-throughput.sh [users=1000000] [stream-threads=2, the shipped setting] [--spring.some.setting=value ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
users="${1:-1000000}"; threads="${2:-2}"; shift $(( $# < 2 ? $# : 2 ))
cd "$root"
./mvnw -q -pl stream-processor test-compile
cp="$(./mvnw -q -pl stream-processor dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
state="$root/stream-processor/target/bench-throughput"
rm -rf "$state"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"
mkdir -p "$state"; log="$state.log"
java -Xmx2g ${BENCH_JVM_OPTS:-} -Duserstream.home="$root" -Dbench.state="$state" -Dlogging.level.root=WARN \
  -cp "$root/stream-processor/target/classes:$root/stream-processor/target/test-classes:$cp" \
  io.userstream.processor.bench.ThroughputBenchmark "$users" "$threads" "$@" >"$log" 2>&1 &
pid=$!
tail -f "$log" --pid=$pid | grep --line-buffered -E 'pre-filled|processed after|RESULT|CPU:|check:|application settings|ready|Exception' || true
wait $pid || { echo "benchmark failed; full log: $log" >&2; exit 1; }
echo "load after: $(uptime)"
