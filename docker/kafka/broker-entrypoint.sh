#!/bin/sh
# The kafka service's entrypoint (docker-compose.yml): every listener asks for a login, so the healthcheck logs in
# too, as admin. This writes admin's client settings to a file only the container's user can read, from the
# environment (no password on a command line, where `ps` would show it), then hands over to the image's own start
# script. `docker compose exec kafka kafka-topics --bootstrap-server kafka:29092 --command-config <this file> ...`
# works for people too.
#
# The password comes as USERSTREAM_KAFKA_ADMIN_PASSWORD, not KAFKA_ADMIN_PASSWORD: the image turns every KAFKA_*
# variable into a broker setting.
set -eu
config=/tmp/userstream-admin.properties
(
  umask 077
  printf '%s\n' \
    'security.protocol=SASL_PLAINTEXT' \
    'sasl.mechanism=PLAIN' \
    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"${USERSTREAM_KAFKA_ADMIN_PASSWORD:?}\";" \
    > "$config"
)
unset USERSTREAM_KAFKA_ADMIN_PASSWORD
exec /etc/confluent/docker/run
