#!/usr/bin/env bash
# End-to-end benchmark of the whole local stack as `./pipeline up` runs it (issue 7 targets):
#   - `./pipeline up --no-run` on a built tree: ready in <= 60 s (timed fresh, then restarted on that state)
#   - RSS of every server, service and Airflow process (with descendants) after one 100-user DAG run: <= 4 GB
#   - throughput, faker source -> queryable in Cassandra, for each size: >= 70 % of the bare-driver ceiling
#   - ingest -> queryable latency (users_created CreateTime -> WRITETIME in Cassandra) at half of the best rate: p99 <= 1 s
#   - the bare-driver Cassandra write ceiling for the rows of the 100k run (or the largest run below it)
# The stack runs on free ports in the 24xxx range with its state under end-to-end/target/bench-stack and is
# stopped at the end, also on failure or Ctrl-C. Output: end-to-end/target/bench-end-to-end.log, RESULT block at its end.
# Usage: bench/end-to-end.sh [sizes, default 10000,100000,1000000]
#   BENCH_JVM_OPTS   extra options for the benchmark's JVM (default -Xmx3g: the ceiling holds its rows in memory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${1:-10000,100000,1000000}"
cd "$root"
target="$root/end-to-end/target"
state="$target/bench-stack"
log="$target/bench-end-to-end.log"
export PIPELINE_STATE_DIR="$state"

# 1. Build what is missing: the launcher with its server distributions and the three service jars (the same check
#    ./pipeline makes, done here so the start-up is timed on a built tree), then the benchmark itself.
missing=()
if ! ls local-stack/launcher/target/local-stack-launcher-*.jar >/dev/null 2>&1 \
   || [ ! -d local-stack/kafka-server/target/lib ] || [ ! -d local-stack/cassandra-server/target/lib ] \
   || [ ! -d local-stack/registry-server/target/dist ] || [ ! -d local-stack/postgres-server/target/dist ]; then
  missing+=(local-stack/launcher)
fi
for service in ingest-service stream-processor user-store-service; do
  if ! ls "$service/target/$service"-*.jar >/dev/null 2>&1; then
    missing+=("$service")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Building what is missing: ${missing[*]} ..."
  ./mvnw -q -DskipTests package -pl "$(IFS=,; echo "${missing[*]}")" -am
fi
for module in local-stack/launcher ingest-service stream-processor user-store-service; do
  jar="$(ls -t "$module"/target/*.jar | head -1)"
  if [ -n "$(find "$module/src/main" "$module/pom.xml" -newer "$jar" -type f -print -quit)" ]; then
    echo "warning: $jar is older than its sources; the benchmark measures the jar (rebuild: ./mvnw -q -DskipTests package -pl $module)" >&2
  fi
done
[ -x airflow/.venv/bin/airflow ] || airflow/venv.sh >/dev/null # else ./pipeline up would install it inside the timed start
# The end-to-end module may not be in the root pom's reactor yet: build it through its own pom then.
if grep -q '<module>end-to-end</module>' pom.xml; then e2e=(-pl end-to-end); else e2e=(-f end-to-end/pom.xml); fi
./mvnw -q "${e2e[@]}" test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
# The launcher jar ./pipeline runs comes first, so the benchmark reads the stack's state the way it was written.
cp="$target/test-classes:$(ls local-stack/launcher/target/local-stack-launcher-*.jar | head -1):$(cat "$target/bench-classpath.txt")"

# 2. A fresh stack on free ports. A stack left by an earlier run is stopped first (down reads its recorded ports).
if [ -d "$state" ]; then ./pipeline down || true; fi
rm -rf "$state"; mkdir -p "$state"
names=(KAFKA_PORT KAFKA_CONTROLLER_PORT SCHEMA_REGISTRY_PORT CASSANDRA_PORT CASSANDRA_STORAGE_PORT POSTGRES_PORT
       AIRFLOW_PORT AIRFLOW_WORKER_LOG_PORT INGEST_PORT USER_STORE_PORT STREAM_PROCESSOR_PORT)
read -r -a free <<<"$(python3 - "${#names[@]}" <<'EOF'
import socket, sys
wanted, found, port = int(sys.argv[1]), [], 24100
while len(found) < wanted and port < 25000:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port)); found.append(port)
        except OSError:
            pass
    port += 1
print(*found)
EOF
)"
[ ${#free[@]} -eq ${#names[@]} ] || { echo "no ${#names[@]} free ports in 24100-24999" >&2; exit 1; }
for i in "${!names[@]}"; do export "${names[$i]}=${free[$i]}"; done
trap 'echo "stopping the stack ..."; (cd "$root" && ./pipeline down >/dev/null 2>&1) || true' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"
# Timed twice: fresh (empty state: formats, initdb, Airflow's schema, services without their class-data-sharing
# archive, which `down` writes) and a restart on that state, as a user's second `./pipeline up` runs.
up() { # up <label>: ./pipeline up --no-run, prints its duration in s
  local start; start=$(date +%s%N)
  if ! ./pipeline up --no-run >"$target/bench-pipeline-up-$1.log" 2>&1; then
    cat "$target/bench-pipeline-up-$1.log" >&2; return 1
  fi
  grep -E 'ready on|All servers' "$target/bench-pipeline-up-$1.log" | sed "s/^/  [$1] /" >&2
  awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN {printf "%.1f", ns / 1e9}'
}
echo "./pipeline up --no-run (state $state, ports ${free[*]}) ..."
fresh=$(up fresh); echo "up ready in $fresh s (fresh)"
./pipeline down >/dev/null
restart=$(up restart); echo "up ready in $restart s (restart)"

# 3. The measurements, against the running stack. Clients log warnings only, if a logging backend is on the classpath.
printf '<configuration><appender name="out" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%%d{HH:mm:ss} %%-5level %%logger{20} %%msg%%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="out"/></root></configuration>\n' >"$target/bench-logback.xml"
set +e # keep going to report a failure; the trap stops the stack either way
java -Xmx3g ${BENCH_JVM_OPTS:-} -Dlogback.configurationFile="$target/bench-logback.xml" -Duserstream.home="$root" -Dbench.state="$state" -Dbench.up-seconds="$fresh s fresh, $restart s restart" \
  -cp "$cp" io.userstream.e2e.bench.EndToEndBenchmark "$sizes" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "load after: $(uptime)"
[ "$status" -eq 0 ] || { echo "benchmark failed ($status); log: $log" >&2; exit "$status"; }
