#!/usr/bin/env bash
# Mounted into the postgres container's /docker-entrypoint-initdb.d (docker-compose.yml): on the first
# start of an empty data volume only, creates ingest-service's own role from INGEST_DB_USER /
# INGEST_DB_PASSWORD, so the service never connects as the superuser (POSTGRES_USER). The least it needs:
# no superuser, no CREATEDB or CREATEROLE; CONNECT on POSTGRES_DB, the ledger's database (PUBLIC loses it);
# and the schema "ingest" (spring.flyway.schemas) made here, owned by the role, in which Flyway creates and
# migrates the ledger's tables. No CREATE on the database and no TEMP: it cannot make other schemas.
# Changing the variables later needs a fresh volume (docker compose down -v) or the same statements by hand.
set -e

# The password comes from the environment through psql's \getenv, not from psql's command line.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v ingest_user="${INGEST_DB_USER:-ingest}" \
  -v ingest_db="$POSTGRES_DB" <<'SQL'
\getenv ingest_password INGEST_DB_PASSWORD
CREATE ROLE :"ingest_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'ingest_password';
REVOKE ALL ON DATABASE :"ingest_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"ingest_db" TO :"ingest_user";
CREATE SCHEMA ingest AUTHORIZATION :"ingest_user";
SQL
