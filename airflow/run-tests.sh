#!/usr/bin/env bash
# Runs the DAG's pytest suite in the project-local virtualenv (created on first use by venv.sh).
# Called by `./mvnw verify` (airflow/pom.xml); arguments go to pytest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$("$here/venv.sh")"
cd "$here"
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@" tests
