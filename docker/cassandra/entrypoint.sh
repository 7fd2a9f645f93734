#!/bin/sh
# The cassandra service's entrypoint (docker-compose.yml): turns on authentication and authorization in the
# image's cassandra.yaml (PasswordAuthenticator, CassandraAuthorizer; role_manager is CassandraRoleManager by
# default), then hands over to the image's own entrypoint. With PasswordAuthenticator Cassandra creates the
# default superuser cassandra/cassandra on the first start; cassandra-init (init-roles.sh) replaces it.
set -eu
yaml="${CASSANDRA_CONF:-/etc/cassandra}/cassandra.yaml"
# Both the short form (authenticator: AllowAllAuthenticator) and Cassandra 5.0's class_name form.
sed -i -e 's/AllowAllAuthenticator/PasswordAuthenticator/' -e 's/AllowAllAuthorizer/CassandraAuthorizer/' "$yaml"
if ! grep -Eq '^[^#]*PasswordAuthenticator' "$yaml" || ! grep -Eq '^[^#]*CassandraAuthorizer' "$yaml"; then
  echo "userstream: could not set PasswordAuthenticator and CassandraAuthorizer in $yaml; refusing to start open" >&2
  exit 1
fi
exec docker-entrypoint.sh "$@"
