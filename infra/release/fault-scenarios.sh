#!/usr/bin/env bash
# --- faults (issue 11, faults 1-5): Redis, PostgreSQL and servers killed or stopped under
# load, then a 60 s soak. Each kills only what it started: the Redis outage its own
# redis-server, the PostgreSQL outage its own cluster (initdb as the postgres user, random
# ports); otherwise they use a fresh database on the shared PostgreSQL and the shared Redis
# (a channel of their own), and never stop either. The embedded database's full disk is in
# npm test (api/src/disk-full.int.test.ts, on a tmpfs it mounts as root).
# Uses web/build from the browser tests (built again if missing). About 9 minutes.
# Run by .ci/run and by the hosted CI workflow (.github/workflows/ci.yml), after `npm test`.
# Needs DATABASE_URL and REDIS_URL; runs as root (the disk and network faults).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '\n== %s\n' "$*"; }

log "fault scenarios"
# One scenario, rerun once when every failure it printed is a missed speed target (marked by
# infra/src/faults/support/timing-target.ts; a correctness failure is never rerun). These
# scenarios need the CPU: on 2026-12-06 a CI run on a machine about half as fast as usual
# (the SIGTERM scenarios acknowledged 1,433 and 424 writes where a quiet run takes 2,782 and
# 793) missed the realtime reconnect p99 (5.7 s against 5 s; 2.2 s on a quiet machine) with
# every page exact. The rerun says so loudly, and the first run's figures stay in the log.
fault_scenario() {
  local out status plain failed timed
  out=$(mktemp)
  set +e
  npm run test:faults -- "$1" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] && { rm -f "$out"; return 0; }
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$out")
  rm -f "$out"
  failed=$(grep -cE '^ FAIL ' <<<"$plain" || true)
  timed=$(grep -cE '^AssertionError: \[timing target\]' <<<"$plain" || true)
  if [ "$failed" -gt 0 ] && [ "$failed" -eq "$timed" ] && ! grep -q 'Unhandled' <<<"$plain"; then
    printf '\n!! %s missed only its speed targets (%s); every correctness check passed. RERUNNING ONCE\n' \
      "$1" "$(grep -E '^AssertionError: \[timing target\]' <<<"$plain" | sed 's/^AssertionError: //' | paste -sd ';')"
    npm run test:faults -- "$1"
  else
    return "$status"
  fi
}
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "PostgreSQL 15 server binaries are missing" >&2; exit 1; }
{ [ -f web/build/handler.js ] && [ -f api/dist/main.js ]; } || npm run build
fault_scenario infra/src/faults/sigterm.fault.test.ts
# Redis SIGKILLed for 10 s under load (2,000 posts, 50 pages) and the API started without
# Redis. The outage passed its last 3 runs in a row (catch-up p95 817, 1,378, 1,502 ms; 0 lost,
# 0 missing, 0 duplicates in every run). It is sensitive to a machine overloaded by other work:
# at load 9-17 on these 2 cores it missed the 2 s catch-up once (3.3 s) and 4 runs failed on
# the API's own 503s (database pool waits past 2 s, 63-133 of 2,000 writes).
fault_scenario infra/src/faults/redis-outage.fault.test.ts
fault_scenario infra/src/faults/postgres-outage.fault.test.ts
# A realtime server SIGKILLed holding 1,000 sockets (and one SIGTERMed holding 300): reconnect
# p99 3.0, 3.4, 3.6 s in 3 runs in a row on a quiet machine (18:15 UTC, 2026-11-29), 3.4-3.9 s
# in 4 runs at load 5-12. It needs the CPU: at load 8-19 from other work on these 2 cores the
# survivors' handshakes queued past the client's handshake timeout (8.8-46 s in 4 runs).
fault_scenario infra/src/faults/realtime-kill.fault.test.ts
# The replicated database tier (issue 17) on one Patroni cluster of two nodes in network
# namespaces, under 100 simulator posts/s and 50 live pages: the primary's host SIGKILLed,
# the primary cut off the network, a planned switchover, the only standby lost (each prints
# its write gap, the answers in it, acknowledged writes missing, pages with a gap). Then the
# restore drill: 1,000,000 messages, full + incremental backups, restored to a time.
fault_scenario infra/src/faults/pg-failover.fault.test.ts
fault_scenario infra/src/faults/restore-drill.fault.test.ts
log "soak (60 s)"
npm run soak -- 60
