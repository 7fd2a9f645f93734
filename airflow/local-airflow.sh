#!/usr/bin/env bash
# Airflow for `./pipeline up` (run by the launcher's AirflowServer, which sets AIRFLOW_HOME and AIRFLOW__*):
# migrates the metadata database, then runs the api-server (with the UI), the scheduler and the dag-processor
# as one process tree. Unlike `airflow standalone` it starts no triggerer: user_automation defers nothing
# (its sensors reschedule), and a triggerer costs ~440 MB and a few CPU-seconds of every start.
# Each component's output is prefixed with its name. When one component exits, the others are stopped and
# the script exits, so the launcher sees Airflow down; SIGTERM stops all three.
set -euo pipefail
airflow="$(cd "$(dirname "$0")" && pwd)/.venv/bin/airflow"

echo "local-airflow | migrating the metadata database"
"$airflow" db migrate 2>&1 | sed -u 's/^/db-migrate | /'

components=()
# The api-server waits for kept-alive connections to close (25 s seen) before it exits; while this script lives the
# launcher sees Airflow running but not answering, and its supervisor cannot start it again. So a grace, then KILL.
stop_grace_seconds=10
stop_components() {
  trap - TERM INT EXIT
  kill -TERM "${components[@]}" 2>/dev/null || true
  for _ in $(seq "$stop_grace_seconds"); do
    kill -0 "${components[@]}" 2>/dev/null || break
    sleep 1
  done
  for pid in "${components[@]}"; do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Only the components: a bare wait would also wait for the sed of a process substitution that an orphaned worker keeps open.
  wait "${components[@]}" 2>/dev/null || true
}
trap 'stop_components; exit 143' TERM INT
trap stop_components EXIT

for component in api-server scheduler dag-processor; do
  options=()
  # No task log server: it would listen on every interface (Airflow cannot bind it to loopback), and the
  # api-server reads the tasks' log files from this machine's log folder, where the local executor writes them.
  [ "$component" = scheduler ] && options=(--skip-serve-logs)
  "$airflow" "$component" "${options[@]}" > >(exec sed -u "s/^/$component | /") 2>&1 &
  components+=("$!")
done
echo "local-airflow | started api-server, scheduler and dag-processor (pids ${components[*]})"

status=0
wait -n "${components[@]}" || status=$?
echo "local-airflow | a component exited (status $status); stopping the others"
exit "$status"
