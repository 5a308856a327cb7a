# shellcheck shell=bash
# What the topology scripts (run.sh, multihost.sh) share: reporting,
# retrying, the deployment's test-only secrets.

passed=0
failed=0
figures=()
log() { printf '\n== [topology %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
# check <name> <command…>: runs it, output to the log, counts the result.
check() {
  local name=$1
  shift
  log "$name"
  if "$@"; then pass "$name"; else fail "$name"; fi
}
figure() { figures+=("$*"); printf 'FIGURE %s\n' "$*"; }
# skipped <what>: a loud line that something did not run.
skipped() { printf '\n%s\nSKIPPED: %s\n%s\n' "$(printf '=%.0s' {1..72})" "$*" "$(printf '=%.0s' {1..72})"; }
# summary: the figures, then "topology: N passed, N failed"; returns 1 on any failure.
summary() {
  log "summary"
  local f
  for f in "${figures[@]}"; do printf '  %s\n' "$f"; done
  printf '\ntopology: %d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

# until_ok <seconds> <command…>: retries the command every second until it succeeds.
until_ok() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 1
  done
}
http_ok() { node -e "fetch(process.argv[1], {signal: AbortSignal.timeout(3000)}).then((r) => process.exit(r.status === Number(process.argv[2] || 200) ? 0 : 1), () => process.exit(1))" "$@"; }

# topology_secrets <dir>: test-only values, fresh each run, exported as the
# deployment's variables, and pgBackRest's TLS material in <dir>/backup-tls.
# The simulator's credentials are the course's published pair: the contract
# tests and e2e specs use them.
test_secret() { printf 'test%s' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
topology_secrets() {
  local name
  # Letters and digits: they go into URLs as they are.
  for name in PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD PATRONI_REWIND_PASSWORD \
    PATRONI_RESTAPI_PASSWORD MINITWIT_OWNER_PASSWORD MINITWIT_APP_PASSWORD MINITWIT_MONITOR_PASSWORD \
    REDIS_PASSWORD GRAFANA_ADMIN_PASSWORD; do
    export "$name=$(test_secret)"
  done
  export PGBACKREST_TLS_DIR="$1/backup-tls"
  infra/postgres-ha/backup-certs.sh "$PGBACKREST_TLS_DIR" pg-1 pg-2 pgbackrest >/dev/null
  export SIMULATOR_CREDENTIALS='simulator:super_safe!'
}

# swarm_secrets <docker command…>: the Swarm secrets docker-stack.yml names, from
# topology_secrets' values (through stdin: never on a command line).
swarm_secrets() {
  local pair variable
  for pair in minitwit_app_password:MINITWIT_APP_PASSWORD minitwit_owner_password:MINITWIT_OWNER_PASSWORD \
    minitwit_monitor_password:MINITWIT_MONITOR_PASSWORD \
    minitwit_patroni_superuser_password:PATRONI_SUPERUSER_PASSWORD \
    minitwit_patroni_replication_password:PATRONI_REPLICATION_PASSWORD \
    minitwit_patroni_rewind_password:PATRONI_REWIND_PASSWORD \
    minitwit_patroni_restapi_password:PATRONI_RESTAPI_PASSWORD minitwit_redis_password:REDIS_PASSWORD \
    minitwit_simulator_credentials:SIMULATOR_CREDENTIALS minitwit_grafana_admin_password:GRAFANA_ADMIN_PASSWORD; do
    variable=${pair#*:}
    printf '%s' "${!variable}" | "$@" secret create "${pair%%:*}" - >/dev/null || return 1
  done
  "$@" secret create minitwit_pgbackrest_ca "$PGBACKREST_TLS_DIR/ca.crt" >/dev/null &&
    "$@" secret create minitwit_pgbackrest_cert "$PGBACKREST_TLS_DIR/host.crt" >/dev/null &&
    "$@" secret create minitwit_pgbackrest_key "$PGBACKREST_TLS_DIR/host.key" >/dev/null
}

# ipsec_esp_available: whether this kernel can hold an ESP security association with the
# cipher Docker's encrypted overlay uses (AES-GCM), tried in a scratch network namespace.
ipsec_esp_available() {
  local ns=mtipsec-probe status=0
  ip netns add "$ns" 2>/dev/null || return 1
  ip -n "$ns" xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode transport \
    aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 64 >/dev/null 2>&1 || status=1
  ip netns delete "$ns"
  return $status
}
