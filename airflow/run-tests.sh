#!/usr/bin/env bash
# Runs the DAG's pytest suite in a project-local virtualenv (airflow/.venv), creating and filling
# it on first use from the pinned requirements. Called by `./mvnw verify` (airflow/pom.xml).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "airflow tests: $python not found; install Python 3.10+ (e.g. 'apt install python3 python3-venv')" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "airflow tests: $("$python" --version) is too old; Airflow 3 needs Python 3.10+" >&2
  exit 1
fi

stamp="$venv/.installed-$(cat "$here/requirements-test.txt" "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "airflow tests: preparing $venv (first run: about a minute) ..."
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements-test.txt" -c "$here/constraints.txt"
  touch "$stamp"
fi

cd "$here"
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@" tests
