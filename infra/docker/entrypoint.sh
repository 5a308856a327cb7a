#!/bin/sh
# Entry point of the MiniTwit image. Docker secrets arrive as files
# (/run/secrets/…); as upstream images do, NAME_FILE=path sets NAME from the
# file for the secrets MiniTwit takes:
#   SIMULATOR_CREDENTIALS_FILE  the simulator's user:password
#   DATABASE_PASSWORD_FILE      PostgreSQL's password, put into DATABASE_URL
#                               (URL-encoded), so the URL itself holds no secret
set -eu
if [ -n "${SIMULATOR_CREDENTIALS_FILE:-}" ]; then
  SIMULATOR_CREDENTIALS=$(cat "$SIMULATOR_CREDENTIALS_FILE")
  export SIMULATOR_CREDENTIALS
fi
if [ -n "${DATABASE_PASSWORD_FILE:-}" ] && [ -n "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(node -e '
    const url = new URL(process.env.DATABASE_URL);
    url.password = require("node:fs").readFileSync(process.env.DATABASE_PASSWORD_FILE, "utf8").trim();
    process.stdout.write(url.href);')
  export DATABASE_URL
fi
exec "$@"
