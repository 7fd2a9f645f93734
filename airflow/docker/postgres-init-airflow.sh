#!/usr/bin/env bash
# Mounted into the postgres container's /docker-entrypoint-initdb.d (docker-compose.yml): on the first
# start of an empty data volume only, creates Airflow's metadata database and its owner from
# AIRFLOW_DB_USER / AIRFLOW_DB_PASSWORD / AIRFLOW_DB_NAME. Changing them later needs a fresh volume
# (docker compose down -v) or the same statements by hand.
set -e

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v airflow_user="${AIRFLOW_DB_USER:-airflow}" \
  -v airflow_password="$AIRFLOW_DB_PASSWORD" \
  -v airflow_db="${AIRFLOW_DB_NAME:-airflow}" <<'SQL'
CREATE ROLE :"airflow_user" LOGIN PASSWORD :'airflow_password';
CREATE DATABASE :"airflow_db" OWNER :"airflow_user";
SQL
