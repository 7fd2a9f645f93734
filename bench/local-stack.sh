#!/usr/bin/env bash
# Start-up time and memory of the whole local stack as `./pipeline up --no-run` runs it: the servers,
# Airflow and the three services. Runs a fresh start (empty state folder: format, initdb, schema
# tables, services without a class-data-sharing archive; `down` then writes the archives) and a
# restart with data, then prints each one's "ready" time and the memory of each process tree
# (RSS, and PSS, which splits pages shared between processes such as Airflow's forked workers).
# Usage: bench/local-stack.sh [--nodes N]   (uses free ports and a scratch state folder; leaves nothing running)
#   --nodes 3   the cluster of ./pipeline up --nodes 3 (three brokers and Cassandra nodes, two instances of each
#               service that scales): one line per node or instance
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nodes=1
if [ "${1:-}" = "--nodes" ]; then
  nodes="${2:?--nodes needs a number}"
fi
state="$root/target/bench-local-stack"
rm -rf "$state"; mkdir -p "$state"; chmod 755 "$root/target" "$state"
export PIPELINE_STATE_DIR="$state"
export KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 SCHEMA_REGISTRY_PORT=28081 \
       CASSANDRA_PORT=29042 CASSANDRA_STORAGE_PORT=27000 POSTGRES_PORT=25432 \
       AIRFLOW_PORT=28080 AIRFLOW_WORKER_LOG_PORT=28793 \
       INGEST_PORT=28082 USER_STORE_PORT=28083 STREAM_PROCESSOR_PORT=28084 CONSOLE_PORT=28085
trap '"$root/pipeline" down >/dev/null 2>&1 || true' EXIT

descendants() { # a process and all its descendants
  local p
  echo "$1"
  for p in $(pgrep -P "$1" || true); do descendants "$p"; done
}

kb_of_tree() { # sum of a smaps_rollup field (Rss or Pss) over a process tree, in kB
  local total=0 p v
  for p in $(descendants "$1"); do
    v=$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

measure() {
  local label=$1 start end
  echo "  [$label] load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s%N)
  "$root/pipeline" up --no-run --nodes "$nodes" | grep -E 'ready on|All servers and services up' | sed "s/^/  [$label] /"
  end=$(date +%s%N)
  printf '  [%s] wall clock of ./pipeline up --no-run: %d ms\n' "$label" $(((end - start) / 1000000))
  sleep 5 # let start-up settle before reading memory
  local rss_sum=0 pss_sum=0
  for f in "$state"/*/*.pid; do
    local name pid rss pss
    name=$(basename "$(dirname "$f")"); pid=$(awk '{print $1}' "$f") # the folder: kafka-2, ingest-service-2
    rss=$(kb_of_tree "$pid" Rss); pss=$(kb_of_tree "$pid" Pss)
    rss_sum=$((rss_sum + rss)); pss_sum=$((pss_sum + pss))
    printf '  [%s] %-20s RSS %5d MB  PSS %5d MB\n' "$label" "$name" $((rss / 1024)) $((pss / 1024))
  done
  printf '  [%s] %-20s RSS %5d MB  PSS %5d MB\n' "$label" "sum" $((rss_sum / 1024)) $((pss_sum / 1024))
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
measure fresh
"$root/pipeline" down >/dev/null
measure restart
