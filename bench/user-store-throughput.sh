#!/usr/bin/env bash
# Throughput of user-store-service against the bare Cassandra driver on the same node.
#   (a) the bare Java driver writes the rows of N users (the ceiling)
#   (b) the service drains N pre-filled users_processed records into the same node
# Target: (b) >= 70 % of (a). Usage: bench/user-store-throughput.sh [users, default 500000]
# Starts its own Kafka, schema registry and Cassandra on free ports under
# user-store-service/target/bench-stack and stops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS="${1:-500000}"
./mvnw -q -pl user-store-service test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="user-store-service/target/test-classes:user-store-service/target/classes:$(cat user-store-service/target/bench-classpath.txt)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "uptime before: $(uptime)"
java -Xms1g -Xmx2g -cp "$CP" io.userstream.store.bench.ThroughputBenchmark "$USERS" user-store-service/target/bench-stack \
  | tee user-store-service/target/bench-result.txt
echo "uptime after: $(uptime)"
