# shellcheck shell=bash
# Sourced by the postgres-ha image's entrypoint and its patronictl wrapper:
# each secret NAME_FILE=<file> (Swarm secrets are files) becomes NAME, the
# variable Patroni and post-bootstrap.sh read. A `docker exec` starts from the
# container's configured environment, so the wrapper needs this as much as
# the entrypoint does.
for name in PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD PATRONI_REWIND_PASSWORD \
  PATRONI_RESTAPI_USERNAME PATRONI_RESTAPI_PASSWORD \
  MINITWIT_OWNER_PASSWORD MINITWIT_APP_PASSWORD MINITWIT_MONITOR_PASSWORD; do
  file_var=${name}_FILE
  if [ -n "${!file_var:-}" ]; then
    value=$(cat "${!file_var}") || exit 1
    export "$name=$value"
    unset "$file_var"
  fi
done
unset name file_var value
