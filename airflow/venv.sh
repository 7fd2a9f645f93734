#!/usr/bin/env bash
# Creates or refreshes the project-local virtualenv airflow/.venv from the pinned requirements
# (requirements-test.txt includes requirements.txt; constraints.txt pins the whole tree).
# Used by run-tests.sh (./mvnw verify) and by ./pipeline up. Prints the venv's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "airflow: $python not found; install Python 3.10+ (e.g. 'apt install python3 python3-venv')" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "airflow: $("$python" --version) is too old; Airflow 3 needs Python 3.10+" >&2
  exit 1
fi

# One installer at a time (./pipeline up and the tests may both get here).
mkdir -p "$here/.venv-lock" 2>/dev/null || true
exec 9>"$here/.venv-lock/lock"
flock 9

stamp="$venv/.installed-$(cat "$here/requirements-test.txt" "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "airflow: installing the pinned requirements into $venv (first run: about a minute) ..." >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements-test.txt" -c "$here/constraints.txt" >&2
  touch "$stamp"
fi
echo "$venv"
