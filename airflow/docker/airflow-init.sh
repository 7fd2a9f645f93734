#!/usr/bin/env bash
# airflow-init (docker-compose.yml): migrates Airflow's metadata database, then writes the admin's
# password for the simple auth manager from AIRFLOW_ADMIN_PASSWORD (.env), so the login is known up
# front instead of a random one printed in the API server's log. Safe to run again.
set -euo pipefail

: "${AIRFLOW_ADMIN_PASSWORD:?AIRFLOW_ADMIN_PASSWORD is not set (see .env.example)}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?not set}"

airflow db migrate

python - <<'PY'
import json
import os
from pathlib import Path

path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
username = os.environ.get("AIRFLOW_ADMIN_USERNAME", "admin")
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text(json.dumps({username: os.environ["AIRFLOW_ADMIN_PASSWORD"]}) + "\n")
path.chmod(0o600)
print(f"airflow-init: password of Airflow user '{username}' set in {path}")
PY
