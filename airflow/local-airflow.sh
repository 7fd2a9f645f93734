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
stop_components() {
  trap - TERM INT EXIT
  kill -TERM "${components[@]}" 2>/dev/null || true
  wait
}
trap 'stop_components; exit 143' TERM INT
trap stop_components EXIT

for component in api-server scheduler dag-processor; do
  "$airflow" "$component" > >(exec sed -u "s/^/$component | /") 2>&1 &
  components+=("$!")
done
echo "local-airflow | started api-server, scheduler and dag-processor (pids ${components[*]})"

status=0
wait -n "${components[@]}" || status=$?
echo "local-airflow | a component exited (status $status); stopping the others"
exit "$status"
