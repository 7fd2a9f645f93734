#!/bin/sh
# secrets-check (docker-compose.yml): a one-shot job every other service waits for. It fails while a secret of .env
# is empty or still holds a placeholder of .env.example (they all start with change-me), naming every such variable
# at once, so that nothing starts with a password anyone can read in the repository. Compose itself only refuses
# unset or empty ones (${VAR:?}), and only the first it meets.
#
# Arguments: the names of the variables to check, each set in this job's environment (the values are never
# printed). A trailing ? marks an optional one, which may be empty (AIRFLOW_FERNET_KEY).
# POSIX sh and its built-ins only: it runs in the postgres image and in ComposeFileTest.
set -eu

failed=''
for argument in "$@"; do
  name="${argument%\?}"
  case "$name" in
    '' | [!A-Za-z_]* | *[!A-Za-z0-9_]*)
      echo "secrets-check: '$argument' is not a variable name" >&2
      exit 2 ;;
  esac
  eval "value=\${$name-}"
  if [ -z "$value" ]; then
    if [ "$name" != "$argument" ]; then
      continue # optional
    fi
    echo "secrets-check: $name is empty" >&2
  else
    case "$value" in
      change-me*) echo "secrets-check: $name still holds its .env.example placeholder" >&2 ;;
      *) continue ;;
    esac
  fi
  failed="$failed $name"
done

if [ -n "$failed" ]; then
  echo "secrets-check: set$failed in .env (\`openssl rand -hex 32\` makes a good secret; docs/docker-compose.md)" >&2
  exit 1
fi
echo "secrets-check: none of the $# secrets is missing or a placeholder"
