#!/usr/bin/env bash
# The backup host's scheduler: the one process that takes backups of the
# stanza (the exporter only reads what this leaves in the repository).
#
#   1. waits until a primary answers (`pgbackrest check` succeeds: the
#      repository is reachable and WAL from the primary arrives in it);
#   2. creates the stanza (idempotent: a no-op when it exists);
#   3. takes a full backup when the repository has none;
#   4. then loops: a full every BACKUP_FULL_INTERVAL seconds (default a day)
#      and an incremental every BACKUP_INCR_INTERVAL seconds (default an hour).
#
# A failed backup is logged and tried again at the next round, after
# BACKUP_RETRY_INTERVAL seconds (default 300, at most the incremental
# interval); it never stops the loop (a failover in the middle of one is normal). Every event is one
# JSON line on stdout with service "pgbackrest". pgBackRest itself is
# configured by its PGBACKREST_* variables only (infra/src/pg-ha/backup-host.ts
# sets the same ones the image's pgbackrest.env does). Run as the repository's
# owner (postgres). Ages are counted from the last success of each type, and
# read back from the repository at start, so a restarted scheduler does not
# take a full it took an hour ago.
set -uo pipefail

incr_interval=${BACKUP_INCR_INTERVAL:-3600}
full_interval=${BACKUP_FULL_INTERVAL:-86400}
retry_interval=${BACKUP_RETRY_INTERVAL:-300}
# How often to look again while waiting for a primary, and between rounds.
poll=${BACKUP_POLL_INTERVAL:-5}

json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/}
  s=${s//$'\t'/ }
  printf '"%s"' "$s"
}

# log LEVEL EVENT [key value]... — values that are integers stay numbers.
log() {
  local level=$1 event=$2 line
  shift 2
  line="{\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"level\":\"$level\",\"service\":\"pgbackrest\",\"event\":$(json_string "$event")"
  while [ $# -ge 2 ]; do
    if [[ $2 =~ ^[0-9]+$ ]]; then
      line+=",$(json_string "$1"):$2"
    else
      line+=",$(json_string "$1"):$(json_string "$2")"
    fi
    shift 2
  done
  printf '%s}\n' "$line"
}

for setting in incr_interval full_interval retry_interval poll; do
  if ! [[ ${!setting} =~ ^[1-9][0-9]*$ ]]; then
    log error invalid-setting name "$setting" value "${!setting}"
    exit 2
  fi
done

# Runs pgbackrest; logs its last error lines on failure. Output kept in $out.
out=''
pgbr() {
  local code
  out=$(pgbackrest "$@" 2>&1)
  code=$?
  if [ $code -ne 0 ]; then
    log error "$1-failed" code "$code" output "$(printf '%s' "$out" | tail -n 5)"
  fi
  return $code
}

# Epoch seconds of the newest backup of a type in the repository (0 when none).
last_backup_of() {
  pgbackrest info --output=json 2>/dev/null | python3 -c '
import json, sys
kind = sys.argv[1]
try:
    stanzas = json.load(sys.stdin)
except ValueError:
    stanzas = []
stops = [b["timestamp"]["stop"] for s in stanzas for b in s.get("backup") or [] if b.get("type") == kind and not b.get("error")]
print(max(stops, default=0))
' "$1"
}

# No backup before this (epoch seconds): set after a failure, so a broken one is not retried every poll.
not_before=0
backup() {
  local type=$1 started=$SECONDS
  log info backup-started type "$type"
  if pgbr backup --type="$type"; then
    log info backup-finished type "$type" seconds "$((SECONDS - started))"
    return 0
  fi
  not_before=$(($(date +%s) + retry_interval))
  log warn backup-retry-later type "$type" seconds "$retry_interval"
  return 1
}

stopping=0
trap 'stopping=1; log info stopping' TERM INT
# Sleeps in short steps so SIGTERM (docker stop) ends the loop at once.
pause() {
  local until=$((SECONDS + $1))
  while [ $stopping -eq 0 ] && [ $SECONDS -lt $until ]; do sleep 1; done
}

[ "$retry_interval" -gt "$incr_interval" ] && retry_interval=$incr_interval

log info starting incr_interval "$incr_interval" full_interval "$full_interval" retry_interval "$retry_interval"

# A primary answers when `check` succeeds: its WAL reaches the repository. On a
# fresh repository check needs the stanza first, and stanza-create a primary.
primary_answers() {
  pgbackrest check >/dev/null 2>&1 && return 0
  pgbackrest stanza-create >/dev/null 2>&1 && pgbackrest check >/dev/null 2>&1
}

waited=0
until primary_answers; do
  [ $stopping -eq 1 ] && exit 0
  if [ $((waited % 60)) -lt "$poll" ]; then
    log info waiting-for-primary seconds "$waited" output "$(pgbackrest check 2>&1 | tail -n 3)"
  fi
  pause "$poll"
  waited=$((waited + poll))
done
log info primary-answers seconds "$waited"

# Once at start; idempotent (a no-op when the stanza exists, as it does once `check` passed).
until pgbr stanza-create; do
  [ $stopping -eq 1 ] && exit 0
  pause "$poll"
done
log info stanza-ready stanza "${PGBACKREST_STANZA:-}"

last_full=$(last_backup_of full)
last_incr=$(last_backup_of incr)
[ "$last_incr" -lt "$last_full" ] && last_incr=$last_full
if [ "$last_full" -eq 0 ]; then
  log info no-full-backup
  # Retried by the loop below (its age is "forever") until it succeeds.
  backup full && last_full=$(date +%s) && last_incr=$last_full
else
  log info found-backups last_full "$last_full" last_incr "$last_incr"
fi

while [ $stopping -eq 0 ]; do
  now=$(date +%s)
  if [ "$now" -lt "$not_before" ]; then
    :
  elif [ $((now - last_full)) -ge "$full_interval" ]; then
    backup full && last_full=$(date +%s) && last_incr=$last_full
  elif [ $((now - last_incr)) -ge "$incr_interval" ]; then
    # An incremental needs a full to build on: pgBackRest takes a full instead when there is none.
    backup incr && last_incr=$(date +%s)
  fi
  pause "$poll"
done
log info stopped
