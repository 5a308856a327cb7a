#!/usr/bin/env bash
# Patroni runs this once, on the first primary, right after initdb
# (bootstrap.post_bootstrap in patroni.yml), with the superuser's connection
# string as $1: it creates MiniTwit's roles and database (roles.sql). The
# passwords come from the node's environment, never from the repo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${MINITWIT_OWNER_PASSWORD:?set MINITWIT_OWNER_PASSWORD}"
: "${MINITWIT_APP_PASSWORD:?set MINITWIT_APP_PASSWORD}"
: "${MINITWIT_MONITOR_PASSWORD:?set MINITWIT_MONITOR_PASSWORD}"
psql "$1" -v ON_ERROR_STOP=1 -q \
  -v owner_password="$MINITWIT_OWNER_PASSWORD" \
  -v app_password="$MINITWIT_APP_PASSWORD" \
  -v monitor_password="$MINITWIT_MONITOR_PASSWORD" \
  -f "$here/roles.sql"
