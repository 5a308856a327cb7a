#!/usr/bin/env bash
# The multi-host phase of the topology tests (issue 18): MiniTwit's Swarm
# stack over several Docker hosts of this machine, its images through a
# registry, as on real hosts.
#   1. hosts: `npm run swarm:hosts -- up` (infra/src/swarm-hosts/): four
#      network namespaces, each with its own dockerd, one swarm of three
#      managers and a worker, node labels for the database tier's placement,
#      and a registry (Debian's docker-registry) on the test network
#   2. images: the local base images and MiniTwit's image built on this
#      machine's engine (as run.sh does), tagged with the commit and pushed to
#      the registry; the stack names them there and every host pulls what it
#      runs (no --resolve-image never)
#   3. the stack deployed from a manager: every service converged and
#      healthy, PostgreSQL's primary and standby on different hosts with a
#      leader and a synchronous standby, app replicas spread over hosts, every
#      host's images pulled from the registry, a proxy answering on every
#      host, the simulator contract through one host's proxy
#   4. with MULTIHOST_LIVE=1, under live load (simulator posts, browsers
#      watching): a worker drained and made active again
#   5. everything removed (`swarm:hosts -- down`), and checked gone
# Ends with "N passed, N failed"; exits 1 on any failure. Skips loudly where
# Docker, docker-registry or root is missing.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=../docker/lib.sh
. infra/docker/lib.sh
# shellcheck source=./lib.sh
. infra/topology/lib.sh

missing=()
command -v dockerd >/dev/null || missing+=("dockerd (apt-get install docker.io)")
command -v docker-registry >/dev/null || missing+=("docker-registry (apt-get install docker-registry)")
command -v debootstrap >/dev/null || missing+=("debootstrap")
[ "$(id -u)" = 0 ] || missing+=("root")
if [ ${#missing[@]} -gt 0 ]; then
  skipped "multi-host topology tests on Docker — missing: ${missing[*]}"
  exit 0
fi

stack=minitwit
work=$(mktemp -d /tmp/minitwit-multihost.XXXXXX)
run_dir=/run/minitwit-swarm
hosts=(node-1 node-2 node-3 node-4)
address_of() { echo "10.231.40.$((10 + ${1#node-}))"; }
on() { local h=$1; shift; "$DOCKER" -H "unix://$run_dir/$h/docker.sock" "$@"; }
manager() { on node-1 "$@"; }
swarm_hosts() { node --import tsx infra/src/swarm-hosts/cli.ts "$@"; }

teardown() {
  log "teardown"
  swarm_hosts down
  rm -rf "$work"
  local left=()
  ip netns list | grep -q '^mtsw-' && left+=("namespaces: $(ip netns list | grep '^mtsw-' | cut -d' ' -f1 | tr '\n' ' ')")
  ip link show mtsw0br >/dev/null 2>&1 && left+=("the bridge mtsw0br")
  iptables -S FORWARD | grep -q mtsw0br && left+=("a FORWARD rule")
  [ -e "$run_dir" ] || [ -e /var/tmp/minitwit-swarm ] && left+=("state directories")
  grep -q minitwit-swarm /proc/self/mountinfo && left+=("mounts")
  pgrep -f 'minitwit-swarm|docker-registry serve' >/dev/null && left+=("processes: $(pgrep -af 'minitwit-swarm|docker-registry serve' | head -3 | tr '\n' ';')")
  "$DOCKER" images -q --filter "reference=127.0.0.1:5000/*/*" | xargs -r "$DOCKER" rmi -f >/dev/null 2>&1
  if [ ${#left[@]} -gt 0 ]; then
    fail "multihost: everything removed (left: ${left[*]})"
  else
    pass "multihost: everything removed (daemons, namespaces, bridge, firewall rule, mounts, directories, registry)"
  fi
}
# An early exit still removes everything and prints what ran; it fails the phase.
trap 'teardown; summary; trap - EXIT; exit 1' EXIT
trap 'exit 1' TERM INT

# --- 1. hosts
phase_start=$SECONDS
log "swarm hosts"
start=$SECONDS
if ! swarm_hosts up "${#hosts[@]}" 3; then
  fail "multihost: four hosts with their own engines form one swarm"
  exit 1
fi
figure "multihost: four hosts up, one swarm, labelled: $((SECONDS - start)) s"
swarm_shape() {
  local nodes
  nodes=$(swarm_hosts status) || return 1
  echo "$nodes"
  [ "$(grep -c 'ready' <<<"$nodes")" -eq 4 ] &&
    [ "$(grep -c $'\tmanager' <<<"$nodes")" -eq 3 ] &&
    [ "$(grep -c '(leader)' <<<"$nodes")" -eq 1 ] &&
    grep 'mtsw-node-1' <<<"$nodes" | grep -q 'minitwit.pg-1=true' &&
    grep 'mtsw-node-2' <<<"$nodes" | grep -q 'minitwit.pg-2=true'
}
check "multihost: 4 nodes ready, 3 managers (one leader), pg-1 and pg-2 labelled on different hosts" swarm_shape

# --- 2. images through the registry
log "dockerd (the build machine's engine)"
ensure_dockerd || exit 1
log "images"
eval "$(infra/docker/build-base-images.sh)" || { fail "base images"; exit 1; }
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
[ -z "$(git status --porcelain 2>/dev/null)" ] || commit="$commit-dirty"
if ! "$DOCKER" build -q --pull=false --build-arg "NODE_IMAGE=$NODE_IMAGE" -t "minitwit:$commit" \
  -f infra/docker/Dockerfile . >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  fail "multihost: the MiniTwit image builds"
  exit 1
fi
# Every image the stack runs, as the hosts name it (REGISTRY) and as this engine pushes it.
registry=10.231.40.1:5000
pushed=()
push_as() { # push_as <variable> <local image> <name>
  local to="127.0.0.1:5000/minitwit/$3:$commit"
  if ! { "$DOCKER" tag "$2" "$to" && "$DOCKER" push -q "$to" >/dev/null; }; then
    echo "push of $2 failed"
    return 1
  fi
  export "$1=$registry/minitwit/$3:$commit"
  pushed+=("$3")
}
push_all() {
  push_as MINITWIT_IMAGE "minitwit:$commit" app &&
    push_as NGINX_IMAGE "$NGINX_IMAGE" nginx &&
    push_as REDIS_IMAGE "$REDIS_IMAGE" redis &&
    push_as PROMETHEUS_IMAGE "$PROMETHEUS_IMAGE" prometheus &&
    push_as POSTGRES_HA_IMAGE "$POSTGRES_HA_IMAGE" postgres-ha &&
    push_as ETCD_IMAGE "$ETCD_IMAGE" etcd &&
    push_as HAPROXY_IMAGE "$HAPROXY_IMAGE" haproxy
}
start=$SECONDS
check "multihost: every image tagged with the commit ($commit) and pushed to the registry" push_all
figure "multihost: push of ${#pushed[@]} images: $((SECONDS - start)) s"
catalog() {
  local names
  names=$(curl -sf "http://$registry/v2/_catalog") || return 1
  echo "registry: $names"
  for n in "${pushed[@]}"; do grep -q "\"minitwit/$n\"" <<<"$names" || return 1; done
}
check "multihost: the registry lists every pushed image" catalog

# --- 3. the stack over the hosts
log "secrets and stack deploy"
topology_secrets "$work"
swarm_secrets manager
export GRAFANA_REPLICAS=0 PROXY_HTTP_PORT=18080 PROXY_API_PORT=15001
PUBLIC_ORIGIN="http://$(address_of node-1):$PROXY_HTTP_PORT"
export PUBLIC_ORIGIN
# The overlay's IPsec encryption needs ESP in the kernel (Docker programs an xfrm policy per
# peer and an ESP state per pair); where the kernel has none, encrypted traffic between hosts
# is dropped. Deployed unencrypted then, and said so loudly.
stack_file=docker-stack.yml
if ! ipsec_esp_available; then
  skipped "the overlay's encryption between hosts: this kernel has no ESP (CONFIG_INET_ESP); the stack runs with encrypted=false here"
  stack_file=$work/stack.yml
  node --import tsx infra/topology/without-encryption.ts docker-stack.yml >"$stack_file" || exit 1
fi
start=$SECONDS
# Through stdin, so that the stack's relative paths (configs) resolve from the checkout.
deploy() { manager stack deploy -c - "$stack" <"$stack_file"; }
check "multihost: docker stack deploy from a manager, images resolved at the registry" deploy
svc() { echo "${stack}_$1"; }
# converged <service> <n>: n tasks running (Swarm counts a task running once its healthcheck passes).
converged() {
  local running
  running=$(manager service ps "$(svc "$1")" --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')
  [ "$running" -eq "$2" ]
}
all_converged() {
  converged web 2 && converged api 2 && converged realtime 3 && converged pg-1 1 && converged pg-2 1 &&
    converged postgres 2 && converged pgbackrest 1 && converged proxy 4
}
check "multihost: every service converged" until_ok 900 all_converged
figure "multihost: stack deploy until converged: $((SECONDS - start)) s"
placement() {
  local s out
  for s in proxy web api realtime pg-1 pg-2 postgres pgbackrest etcd-1 etcd-2 etcd-3 redis; do
    out=$(manager service ps "$(svc "$s")" --filter desired-state=running --format '{{.Node}}' | sort | tr '\n' ' ')
    printf '%-11s %s\n' "$s" "$out"
  done | tee "$work/placement.txt"
  grep '^pg-1 ' "$work/placement.txt" | grep -q 'mtsw-node-1' &&
    grep '^pg-2 ' "$work/placement.txt" | grep -q 'mtsw-node-2' &&
    [ "$(grep -E '^(web|api|realtime) ' "$work/placement.txt" | tr ' ' '\n' | grep -c '^mtsw-node' )" -ge 7 ] &&
    [ "$(grep -E '^(web|api|realtime) ' "$work/placement.txt" | tr ' ' '\n' | grep '^mtsw-node' | sort -u | wc -l)" -ge 3 ]
}
check "multihost: PostgreSQL's nodes on node-1 and node-2, app replicas over at least 3 hosts" placement
pulled() {
  local h images ok=0
  for h in "${hosts[@]}"; do
    # Swarm pins each task's image by digest, so `docker images` lists them without a tag.
    images=$(on "$h" images --format '{{.Repository}}' | grep "^$registry/" | sort -u | sed "s|^$registry/||" | tr '\n' ' ')
    echo "$h: ${images:-nothing}"
    grep -qw 'minitwit/nginx' <<<"$images" || ok=1
    # And every container the host runs was made from such an image (nothing from a local one).
    if on "$h" ps --format '{{.Image}}' | grep -vx "$registry/minitwit/[a-z-]*:$commit" | grep -q .; then
      echo "$h runs an image not from the registry: $(on "$h" ps --format '{{.Image}}' | grep -v "^$registry/" | head -3)"
      ok=1
    fi
  done
  return $ok
}
check "multihost: every host pulled what it runs from the registry (the proxy everywhere)" pulled
proxies() {
  local h
  for h in "${hosts[@]}"; do http_ok "http://$(address_of "$h"):$PROXY_HTTP_PORT/public" || { echo "$h's proxy does not answer"; return 1; }; done
}
check "multihost: the proxy answers on every host" until_ok 120 proxies
db_members() {
  local task host cid
  task=$(manager service ps "$(svc pg-1)" --filter desired-state=running --format '{{.Node}}' | head -1)
  host=${task#mtsw-}
  cid=$(on "$host" ps -q --filter "label=com.docker.swarm.service.name=$(svc pg-1)" | head -1)
  [ -n "$cid" ] || return 1
  # shellcheck disable=SC2016 # a JavaScript template literal
  on "$host" exec "$cid" patronictl -c /etc/patroni.yml list -f json 2>/dev/null |
    node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8")); const s = m.map((x) => `${x.Member}=${x.Role}/${x.State}/${x.TL}`).sort().join(" "); console.log(s); process.exit(/Leader\/running/.test(s) && /Sync Standby\/(running|streaming)/.test(s) ? 0 : 1)'
}
check "multihost: the database cluster across hosts has a leader and a synchronous standby" until_ok 180 db_members
api="http://$(address_of node-2):$PROXY_API_PORT"
check "multihost: simulator contract through node-2's proxy" \
  env CONTRACT_API_URL="$api" npx vitest run api/src/simulator-api.contract.test.ts

# --- 4. under live load: simulator posts through node-1's proxy, browsers watch (live-load.ts).
# Opt-in (MULTIHOST_LIVE=1) until it has passed on a quiet machine: its one run so far, at load
# 36-44 from other work on these 2 cores, never got its pages live before the drain began.
if [ "${MULTIHOST_LIVE:-0}" = 1 ]; then
web="http://$(address_of node-1):$PROXY_HTTP_PORT"
api_1="http://$(address_of node-1):$PROXY_API_PORT"
live_during() { # live_during <name> <command…>: the command runs while live-load.ts posts and watches
  local name=$1 stop="$work/stop-$RANDOM"
  shift
  node --import tsx infra/topology/live-load.ts "$web" "$api_1" "$stop" 10 4 >"$work/load.json" 2>"$work/load.err" &
  local loader=$! changed=0
  until_ok 120 grep -q 'pages live' "$work/load.err"
  sleep 3
  "$@" || changed=1
  sleep 3
  touch "$stop"
  wait "$loader"
  local status=$?
  tail -3 "$work/load.err"
  figure "multihost $name: $(cat "$work/load.json")"
  [ $changed -eq 0 ] || echo "the change itself failed"
  [ $changed -eq 0 ] && [ $status -eq 0 ]
}
nothing_on() { [ -z "$(manager node ps "mtsw-$1" --filter desired-state=running -q)" ]; }
# Planned maintenance: the worker's tasks move to the other hosts, then it takes work again.
drain_worker() {
  local start=$SECONDS
  manager node update --availability drain mtsw-node-4 >/dev/null || return 1
  until_ok 180 nothing_on node-4 || { echo "node-4 still runs tasks"; return 1; }
  until_ok 300 converged web 2 && until_ok 300 converged api 2 && until_ok 300 converged postgres 2 || return 1
  figure "multihost: node-4 drained, its tasks running elsewhere after $((SECONDS - start)) s"
  manager node update --availability active mtsw-node-4 >/dev/null && until_ok 120 converged proxy 4
}
check "multihost: a worker drained under live load: 0 failed requests, nothing lost, no live gap" \
  live_during "node-4 drained" drain_worker
else
  skipped "the multi-host live-load scenarios (a worker drained; opt-in: MULTIHOST_LIVE=1)"
fi
figure "multihost phase before teardown: $((SECONDS - phase_start)) s"
trap - EXIT
teardown
summary
