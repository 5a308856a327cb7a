#!/bin/sh
# Entry point of the MiniTwit image. Docker secrets arrive as files
# (/run/secrets/…; compose and Swarm alike), never as environment values that
# `docker inspect` shows; as upstream images do, NAME_FILE=path sets NAME from
# the file for the secrets MiniTwit takes:
#   SIMULATOR_CREDENTIALS_FILE  the simulator's user:password
#   DATABASE_PASSWORD_FILE      PostgreSQL's password, put into DATABASE_URL
#                               (URL-encoded), so the URL itself holds no secret
#   REDIS_PASSWORD_FILE         Redis's password (`requirepass`), put into
#                               REDIS_URL as the `default` user's
# The values reach only the service's own process (its environment is readable
# by its own user and root, not by `docker inspect`); the *_FILE names go.
set -eu
if [ -n "${SIMULATOR_CREDENTIALS_FILE:-}" ]; then
  SIMULATOR_CREDENTIALS=$(cat "$SIMULATOR_CREDENTIALS_FILE")
  export SIMULATOR_CREDENTIALS
fi
# with_password <URL variable> <file variable> [user]: the URL with the file's content as
# its password, and the user when it names none.
with_password() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [urlVar, fileVar, user] = process.argv.slice(1);
    const url = new URL(process.env[urlVar]);
    url.password = require("node:fs").readFileSync(process.env[fileVar], "utf8").trim();
    if (!url.username && user) url.username = user;
    process.stdout.write(url.href);' "$@"
}
if [ -n "${DATABASE_PASSWORD_FILE:-}" ] && [ -n "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(with_password DATABASE_URL DATABASE_PASSWORD_FILE)
  export DATABASE_URL
fi
if [ -n "${REDIS_PASSWORD_FILE:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  # `default`: the user requirepass sets (node-redis sends AUTH default <password>); a URL
  # with a user is also what the logs' redaction recognises (monitoring/src/redact.ts).
  REDIS_URL=$(with_password REDIS_URL REDIS_PASSWORD_FILE default)
  export REDIS_URL
fi
unset SIMULATOR_CREDENTIALS_FILE DATABASE_PASSWORD_FILE REDIS_PASSWORD_FILE
exec "$@"
