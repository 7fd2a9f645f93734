#!/usr/bin/env bash
# The whole fault-drill suite (issue 12), repeated: every drill of FaultDrills on one real stack of its own (every
# server, the three services, Airflow and the supervisor, on free ports, state under end-to-end/target/drills-*),
# each a user_automation DAG run with one fault injected at a random moment, checked by reading Kafka and Cassandra.
# Output: end-to-end/target/drills.log, the table per drill in end-to-end/target/drills.md (for docs/reliability.md).
# Usage: bench/drills.sh [--nodes N] [repetitions, default 10] [users per run, default 100000] [filter: only drills whose name contains it]
#   --nodes 3    the node-loss drills on a cluster (three Kafka brokers and Cassandra nodes, two instances of each
#                service that scales; as ./pipeline up --nodes 3) instead of the single-node suite
#   DRILL_SEED   the random seed (fault moments, populations), printed at the start of every run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nodes=1
if [ "${1:-}" = "--nodes" ]; then
  nodes="${2:?--nodes needs a number}"
  shift 2
fi
repetitions="${1:-10}"
users="${2:-100000}"
filter="${3:-}"
cd "$root"
target="$root/end-to-end/target"

# The services' jars and the launcher with its server distributions, as ./pipeline builds them; Airflow's venv.
./mvnw -q -B -DskipTests install -pl local-stack/launcher,ingest-service,stream-processor,user-store-service,console -am
[ -x airflow/.venv/bin/airflow ] || airflow/venv.sh >/dev/null
./mvnw -q -B -pl end-to-end test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/drills-classpath.txt
cp="$target/test-classes:$(cat "$target/drills-classpath.txt")"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
printf '<configuration><appender name="out" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%%d{HH:mm:ss} %%-5level %%logger{20} %%msg%%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="out"/></root></configuration>\n' >"$target/drills-logback.xml"
cd end-to-end # the drills' state folders go below end-to-end/target
set +e
java -Xmx2g -Dlogback.configurationFile="$target/drills-logback.xml" -Duserstream.home="$root" -Ddrill.nodes="$nodes" ${DRILL_SEED:+-Ddrill.seed=$DRILL_SEED} \
  -cp "$cp" io.userstream.e2e.drill.FaultDrills "$repetitions" "$users" "$filter" 2>&1 | tee "$target/drills.log"
status=${PIPESTATUS[0]}
set -e
echo "log: $target/drills.log, table: $target/drills.md"
exit "$status"
