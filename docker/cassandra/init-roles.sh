#!/bin/sh
# cassandra-init (docker-compose.yml): a one-shot job after cassandra is healthy, on every `docker compose up`;
# every step is idempotent. What the local launcher does (CassandraServer.afterReady, docs/security.md):
#   - replaces the default superuser cassandra/cassandra by $CASSANDRA_ADMIN_USER (password from .env), then
#     drops the default, as Cassandra's documentation advises;
#   - creates user-store-service's role $CASSANDRA_USER_STORE_USER with only CREATE on all keyspaces: the store
#     creates its keyspace and tables at start-up and, as their creator, gets every permission on them and on
#     nothing else (no roles, no system_auth, no other keyspace);
#   - a keyspace from before authentication (a volume of an older version) is handed to the store's role.
set -eu
host="${CASSANDRA_HOST:-cassandra}"
admin="${CASSANDRA_ADMIN_USER:?}"
admin_password="${CASSANDRA_ADMIN_PASSWORD:?}"
store="${CASSANDRA_USER_STORE_USER:?}"
store_password="${CASSANDRA_USER_STORE_PASSWORD:?}"
keyspace="${CASSANDRA_USER_STORE_KEYSPACE:-userstream}"
# Replicas of system_auth (the roles) in datacenter1: 1 on the lone node of docker-compose.yml, 3 on the cluster of
# docker-compose.cluster.yml, where fewer would let one node down lock every login out.
auth_replicas="${CASSANDRA_SYSTEM_AUTH_REPLICAS:-1}"
case "$auth_replicas" in
  ''|*[!0-9]*) echo "cassandra-init: CASSANDRA_SYSTEM_AUTH_REPLICAS must be a number of replicas, was '$auth_replicas'" >&2; exit 1 ;;
esac
auth_replication="ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': $auth_replicas}"

for value in "$admin" "$admin_password" "$store" "$store_password" "$keyspace"; do
  case "$value" in
    *[!A-Za-z0-9._~-]*) echo "cassandra-init: Cassandra role names and passwords may use letters, digits and - _ . ~ only" >&2; exit 1 ;;
  esac
done
case "$admin_password$store_password" in
  *change-me*) echo "cassandra-init: set CASSANDRA_ADMIN_PASSWORD and CASSANDRA_USER_STORE_PASSWORD in .env (not the change-me placeholders)" >&2; exit 1 ;;
esac

as_admin() { cqlsh "$host" 9042 -u "$admin" -p "$admin_password" "$@"; }
# A role is written to a quorum of system_auth's replicas and the others a moment later; a login in between can leave a
# replica with part of the role's row ("Invalid metadata has been detected for role", seen on three nodes). Reading the
# whole rows at ALL first repairs every replica with all of them (local mode does the same: CassandraServer).
on_every_replica() {
  printf "CONSISTENCY ALL; SELECT * FROM system_auth.roles WHERE role = '%s'; SELECT * FROM system_auth.role_permissions WHERE role = '%s'; CONSISTENCY ONE;" "$1" "$1"
}

if ! as_admin -e 'SELECT release_version FROM system.local' > /dev/null 2>&1; then
  # First start: only the default superuser exists. system_auth gets its replicas before any role is made, so each
  # role is written to all of them (roles made before a change of replicas need `nodetool repair system_auth`).
  if ! cqlsh "$host" 9042 -u cassandra -p cassandra \
      -e "$auth_replication; CREATE ROLE IF NOT EXISTS \"$admin\" WITH PASSWORD = '$admin_password' AND SUPERUSER = true AND LOGIN = true;
          $(on_every_replica "$admin")"; then
    echo "cassandra-init: neither $admin with CASSANDRA_ADMIN_PASSWORD nor the default superuser can log in" >&2
    exit 1
  fi
fi
legacy=false
if as_admin -e "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = '$keyspace'" | grep -q " $keyspace\$" \
    && ! as_admin -e "LIST ROLES OF \"$store\"" > /dev/null 2>&1; then
  legacy=true # the keyspace is older than the store's role: created before authentication
fi
as_admin -e "
  $auth_replication;
  CREATE ROLE IF NOT EXISTS \"$store\" WITH PASSWORD = '$store_password' AND LOGIN = true;
  ALTER ROLE \"$store\" WITH PASSWORD = '$store_password';
  GRANT CREATE ON ALL KEYSPACES TO \"$store\";
  $(on_every_replica "$store")
  DROP ROLE IF EXISTS cassandra;"
if [ "$legacy" = true ]; then
  as_admin -e "GRANT ALL PERMISSIONS ON KEYSPACE \"$keyspace\" TO \"$store\""
fi
echo "cassandra-init: roles $admin (superuser) and $store ready; the default superuser is gone"
