#!/usr/bin/env bash
# Start-up time and memory of the local servers (and Airflow), as `./pipeline up` runs them.
# Runs a fresh start (empty state folder: format, initdb, schema tables) and a restart with data,
# then prints each server's "ready in" time and its resident memory (PostgreSQL: all its processes).
# Usage: bench/local-stack.sh   (uses free ports and a scratch state folder; leaves nothing running)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/target/bench-local-stack"
rm -rf "$state"; mkdir -p "$state"; chmod 755 "$root/target" "$state"
export PIPELINE_STATE_DIR="$state"
export KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 SCHEMA_REGISTRY_PORT=28081 \
       CASSANDRA_PORT=29042 CASSANDRA_STORAGE_PORT=27000 POSTGRES_PORT=25432 \
       AIRFLOW_PORT=28080 AIRFLOW_WORKER_LOG_PORT=28793 AIRFLOW_TRIGGERER_LOG_PORT=28794
trap '"$root/pipeline" down >/dev/null 2>&1 || true' EXIT

rss_of_tree() { # kB of a process and its children
  local pid=$1 total=0
  for p in $pid $(pgrep -P "$pid" || true); do
    total=$((total + $(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

measure() {
  local label=$1 start end
  start=$(date +%s%N)
  "$root/pipeline" up | grep -E 'ready on|All servers up' | sed "s/^/  [$label] /"
  end=$(date +%s%N)
  printf '  [%s] wall clock of ./pipeline up: %d ms\n' "$label" $(((end - start) / 1000000))
  sleep 5 # let start-up settle before reading memory
  local sum=0
  for f in "$state"/*/*.pid; do
    local name pid kb
    name=$(basename "$f" .pid); pid=$(awk '{print $1}' "$f"); kb=$(rss_of_tree "$pid")
    sum=$((sum + kb))
    printf '  [%s] %-16s RSS %5d MB\n' "$label" "$name" $((kb / 1024))
  done
  printf '  [%s] %-16s RSS %5d MB\n' "$label" "sum" $((sum / 1024))
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
measure fresh
"$root/pipeline" down >/dev/null
measure restart
