#!/bin/bash
# Entry point of the postgres-ha image (infra/docker/base/postgres-ha.Dockerfile).
#   node    a PostgreSQL node: Patroni (/etc/patroni.yml = infra/postgres-ha/patroni.yml,
#           the rest from PATRONI_* variables) and `pgbackrest server` beside it,
#           which the backup host pulls backups through
#   backup  the backup host: `pgbackrest server` (the nodes push WAL to it), and
#           infra/postgres-ha/backup-schedule.sh and pgbackrest-exporter.py (:9854)
#   other   run as postgres with the same environment (e.g. `pgbackrest info`)
# node and backup exit as soon as one of their processes does, so Docker
# restarts the container whole; SIGTERM is passed on (Patroni stops PostgreSQL).
#
# As root first, only to prepare: each secret NAME_FILE=<file> becomes NAME
# (postgres-ha-secrets.sh: Swarm secrets are files; Patroni reads variables
# only; `patronictl` in the image does the same for docker exec), and pgBackRest's TLS
# material (backup-certs.sh's ca.crt, host.crt, host.key, as the secrets
# pgbackrest_ca, pgbackrest_cert, pgbackrest_key in /run/secrets) is copied
# where the postgres user may read it with the key's mode pgBackRest insists
# on (0600, its owner). Then everything runs as postgres.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then
  # shellcheck source=postgres-ha-secrets.sh
  . /usr/local/lib/minitwit/postgres-ha-secrets.sh
  tls_from=${MINITWIT_BACKUP_TLS_DIR:-/run/secrets}
  tls=/etc/pgbackrest/tls
  for pair in pgbackrest_ca:ca.crt pgbackrest_cert:host.crt pgbackrest_key:host.key; do
    if [ -s "$tls_from/${pair%%:*}" ]; then
      install -o postgres -g postgres -m 600 "$tls_from/${pair%%:*}" "$tls/${pair#*:}"
    fi
  done
  # A new volume is normally the image's directory (owned by postgres); a bind mount may not be.
  for dir in /var/lib/postgresql/data /var/lib/pgbackrest; do
    [ -d "$dir" ] && [ "$(stat -c %U "$dir")" != postgres ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  done
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

share=/usr/local/share/minitwit
pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; }
# run_all <command>…: each argument is one command line; returns when the first one ends.
run_all() {
  local cmd status
  trap stop TERM INT
  for cmd in "$@"; do
    bash -c "exec $cmd" &
    pids+=($!)
  done
  status=0
  wait -n "${pids[@]}" || status=$?
  echo "minitwit-postgres-ha: a process ended (status $status); stopping the others" >&2
  stop
  wait "${pids[@]}" 2>/dev/null || true
  exit "$status"
}

case "${1:-node}" in
  node)
    # Patroni through the launcher that backports an upstream fix (its docstring says which).
    run_all "python3 $share/patroni-launcher.py /etc/patroni.yml" 'pgbackrest server'
    ;;
  backup)
    commands=('pgbackrest server')
    # Written separately from this image's entrypoint: run when the image has them.
    [ -x "$share/backup-schedule.sh" ] && commands+=("$share/backup-schedule.sh")
    [ -f "$share/pgbackrest-exporter.py" ] && commands+=("python3 $share/pgbackrest-exporter.py")
    run_all "${commands[@]}"
    ;;
  *)
    exec "$@"
    ;;
esac
