#!/bin/sh
# kafka-init (docker-compose.yml): a one-shot job after kafka is healthy, on every `docker compose up`; every step is
# idempotent. As admin (SASL/PLAIN, the super user), it does what the local launcher does (KafkaServer.afterReady,
# KafkaAcls; docs/security.md):
#   - creates or updates the SCRAM-SHA-256 credentials of every principal below with its password from .env, so
#     .env stays the truth: change one there and `docker compose up -d` again;
#   - grants each principal the ACLs of the table below. The broker refuses whatever no ACL allows
#     (allow.everyone.if.no.acl.found=false). An ACL taken out of the table stays on the broker until removed by
#     hand (kafka-acls --remove, docs/docker-compose.md).
# Passwords reach kafka-configs in files only this job can read, never on a command line (`ps` would show them).
# POSIX sh: the image's shell is bash, ComposeFileTest runs it with dash and stand-ins for the Kafka tools.
set -eu

bootstrap="${KAFKA_BOOTSTRAP_SERVERS:-kafka:29092}"

# The SCRAM-SHA-256 principals: each service, the schema registry and Control Center log in as their own.
# principal             password (its variable of .env)
users='
ingest-service          KAFKA_INGEST_PASSWORD
stream-processor        KAFKA_PROCESSOR_PASSWORD
user-store-service      KAFKA_STORE_PASSWORD
console                 KAFKA_CONSOLE_PASSWORD
schema-registry         KAFKA_SCHEMA_REGISTRY_PASSWORD
control-center          KAFKA_CONTROL_CENTER_PASSWORD
'

# What each principal may do (User:<principal>), one line per resource; operations as kafka-acls names them. A
# service "declares" a topic with Create, Describe and DescribeConfigs: it creates the topic if it is missing and
# compares it with userstream.topics; no Alter, so no service adds partitions or changes a setting. The services' lines
# are local mode's KafkaAcls (ComposeFileTest compares them): topics by prefix, their default name.
acls='
# principal          resource          pattern   name                      operations
ingest-service       topic             prefixed  users_created             Create,Describe,DescribeConfigs,Write

# Kafka Streams: its internal topics, group and transactional ids are named after its application id.
stream-processor     topic             prefixed  users_created             Create,Describe,DescribeConfigs,Read
stream-processor     topic             prefixed  users_processed           Create,Describe,DescribeConfigs,Write
stream-processor     topic             prefixed  user_stats                Create,Describe,DescribeConfigs,Write
stream-processor     topic             prefixed  users_dlq                 Create,Describe,DescribeConfigs,Write
stream-processor     topic             prefixed  stream-processor-         All
stream-processor     group             prefixed  stream-processor          Read,Describe
stream-processor     transactional-id  prefixed  stream-processor          Write,Describe

# What it cannot decode or store goes to users_dlq; its dead-letter consumer is a group of its own prefix.
user-store-service   topic             prefixed  users_processed           Create,Describe,DescribeConfigs,Read
user-store-service   topic             prefixed  user_stats                Create,Describe,DescribeConfigs,Read
user-store-service   topic             prefixed  users_dlq                 Create,Describe,DescribeConfigs,Read
user-store-service   topic             prefixed  users_dlq                 Write
user-store-service   group             prefixed  user-store-service        Read,Describe

# Reads every topic of the pipeline (no group: it assigns partitions), re-drives into users_created with its audit
# record in one transaction, and shows the lag of the groups of the processor and the store, and the size of each topic.
console              topic             prefixed  users_created             Read,Describe
console              topic             prefixed  users_processed           Read,Describe
console              topic             prefixed  user_stats                Read,Describe
console              topic             prefixed  users_dlq                 Read,Describe
console              topic             prefixed  users_created             Write
console              topic             prefixed  users_redrive_audit       Create,Describe,DescribeConfigs,Read,Write
console              transactional-id  prefixed  console-redrive-          Write,Describe
console              group             prefixed  stream-processor          Describe
console              group             prefixed  user-store-service        Describe
console              cluster           literal   kafka-cluster             Describe

# Confluent Schema Registry keeps the schemas in _schemas (creates it, checks its cleanup policy, reads and writes
# it) and elects its leader in group schema-registry; the group of its store reader is schema-registry-<host>-<port>.
schema-registry      topic             literal   _schemas                  All
schema-registry      group             prefixed  schema-registry           Read,Describe

# Control Center shows every topic with its settings and messages, every consumer group and the brokers: read-only
# on all of them. It writes only its own topics (_confluent-command: license and metadata; _confluent-controlcenter*
# and _confluent-monitoring, where its version creates them) and reads them in its own groups. Creating, altering
# or deleting anything else from its UI is refused.
control-center       cluster           literal   kafka-cluster             Describe,DescribeConfigs
control-center       topic             literal   *                         Describe,DescribeConfigs,Read
control-center       group             literal   *                         Describe
control-center       topic             literal   _confluent-command        Create,Describe,DescribeConfigs,Read,Write
control-center       topic             prefixed  _confluent-controlcenter  Create,Describe,DescribeConfigs,Read,Write
control-center       topic             literal   _confluent-monitoring     Create,Describe,DescribeConfigs,Read,Write
control-center       group             prefixed  _confluent-controlcenter  Read,Describe
'

fail() {
  echo "kafka-init: $*" >&2
  exit 1
}

# Every password goes into a JAAS string: letters, digits and - _ . ~ only; and none may be a placeholder.
check_password() { # <variable name> <value>
  case "$2" in
    '') fail "$1 is empty: set it in .env (see .env.example)" ;;
    change-me*) fail "$1 still holds its .env.example placeholder: set a password of your own in .env" ;;
    *[!A-Za-z0-9._~-]*) fail "$1 may use letters, digits and - _ . ~ only (it goes into a JAAS configuration)" ;;
  esac
}

admin_password="${KAFKA_ADMIN_PASSWORD-}"
check_password KAFKA_ADMIN_PASSWORD "$admin_password"
while read -r principal variable; do
  [ -n "$principal" ] || continue
  eval "password=\${$variable-}"
  check_password "$variable" "$password"
done <<EOF
$users
EOF

work="$(mktemp -d "${TMPDIR:-/tmp}/kafka-init.XXXXXX")"
trap 'rm -rf "$work"' EXIT
admin_config="$work/admin.properties"
(
  umask 077
  printf '%s\n' \
    'security.protocol=SASL_PLAINTEXT' \
    'sasl.mechanism=PLAIN' \
    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin_password\";" \
    > "$admin_config"
)

while read -r principal variable; do
  [ -n "$principal" ] || continue
  eval "password=\${$variable-}"
  # --add-config-file takes the value without the brackets --add-config needs.
  credentials="$work/$principal.scram"
  (umask 077; printf 'SCRAM-SHA-256=iterations=8192,password=%s\n' "$password" > "$credentials")
  kafka-configs --bootstrap-server "$bootstrap" --command-config "$admin_config" --alter \
    --entity-type users --entity-name "$principal" --add-config-file "$credentials" < /dev/null > /dev/null \
    || fail "could not set the SCRAM credentials of $principal (does KAFKA_ADMIN_PASSWORD match the broker's?)"
  rm -f "$credentials"
done <<EOF
$users
EOF

while read -r principal resource pattern name operations; do
  case "$principal" in '' | '#'*) continue ;; esac
  case "$resource" in
    topic) set -- --topic "$name" ;;
    group) set -- --group "$name" ;;
    transactional-id) set -- --transactional-id "$name" ;;
    cluster) set -- --cluster ;;
    *) fail "unknown resource type '$resource' in the ACL table" ;;
  esac
  set -- "$@" --resource-pattern-type "$pattern"
  rest="$operations,"
  while [ -n "$rest" ]; do
    set -- "$@" --operation "${rest%%,*}"
    rest="${rest#*,}"
  done
  # Adding an ACL that exists changes nothing.
  kafka-acls --bootstrap-server "$bootstrap" --command-config "$admin_config" --add \
    --allow-principal "User:$principal" --allow-host '*' "$@" < /dev/null > /dev/null \
    || fail "could not grant $principal $operations on $resource $name ($pattern)"
done <<EOF
$acls
EOF

echo "kafka-init: every principal's SCRAM credentials and ACLs are set"
