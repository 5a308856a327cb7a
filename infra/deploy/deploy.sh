#!/usr/bin/env bash
# Deploys a released version to a Docker Swarm and checks it; a failed check rolls the
# stack back to the version that ran before, by itself. Steps:
#   1. (--push) push the release's images to IMAGE_PREFIX's registry
#   2. docker stack deploy with the app image pinned to <IMAGE_PREFIX>/minitwit:<version>
#   3. wait until web, api and realtime run that image on every replica, healthy (Swarm
#      counts a task running once its healthcheck passes), their update completed, and
#      the migrate task of that image completed
#   4. smoke checks through the proxy (infra/deploy/smoke.ts: the simulator's read and
#      write paths, sign-in, one live delivery to a browser page)
#   5. on any failure: print what failed, deploy the previous image the same way, wait,
#      check it, and exit non-zero
# Exit: 0 deployed; 1 failed and rolled back (the previous version runs and passes);
#       3 failed and not rolled back (no previous version, --no-rollback, or the rollback
#       failed too); 2 usage.
# Usage: infra/deploy/deploy.sh --version X.Y.Z [--context NAME] [--push] [--no-rollback]
# Environment (all optional):
#   DOCKER_HOST or --context  the Swarm manager (ssh://user@host, a Docker context)
#   IMAGE_PREFIX              where the images are (infra/release/lib.sh)
#   STACK_NAME                the stack (minitwit); STACK_FILE (docker-stack.yml)
#   STACK_ENV_FILE            the deployment's stack variables (PUBLIC_ORIGIN, ports, other
#                             images, replicas, CONFIG_VERSION): the same for every deploy,
#                             so that only the app image changes
#   PROXY_URL / PROXY_API_URL the web app and the simulator API through the proxy
#                             (default: PUBLIC_ORIGIN, and its host on PROXY_API_PORT or 5001)
#   DEPLOY_TIMEOUT            seconds to converge (600); RESOLVE_IMAGE (always; never
#                             where the manager reaches no registry and has the images)
#   SMOKE_SIMULATOR_CREDENTIALS  user:password of the simulator API (smoke.ts)
set -euo pipefail
cd "$(dirname "$0")/../.."
. infra/release/lib.sh

usage() { echo "usage: $0 --version X.Y.Z [--context NAME] [--push] [--no-rollback]" >&2; exit 2; }
version='' context='' push=0 rollback=1
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$(normalise_version "${2:-}") || usage; shift 2 ;;
    --context) context=${2:?--context needs a name}; shift 2 ;;
    --push) push=1; shift ;;
    --no-rollback) rollback=0; shift ;;
    *) usage ;;
  esac
done
[ -n "$version" ] || usage

if [ -n "${STACK_ENV_FILE:-}" ]; then
  set -a
  # shellcheck source=/dev/null
  . "$STACK_ENV_FILE"
  set +a
fi
docker_cmd=("$DOCKER")
[ -z "$context" ] || docker_cmd+=(--context "$context")
d() { "${docker_cmd[@]}" "$@"; }
stack=${STACK_NAME:-minitwit}
stack_file=${STACK_FILE:-docker-stack.yml}
timeout=${DEPLOY_TIMEOUT:-600}
resolve=${RESOLVE_IMAGE:-always}
proxy_url=${PROXY_URL:-${PUBLIC_ORIGIN:-http://127.0.0.1:${PROXY_HTTP_PORT:-8080}}}
proxy_url=${proxy_url%/}
api_url=${PROXY_API_URL:-$(node -e 'const u = new URL(process.argv[1]); u.port = process.argv[2]; process.stdout.write(u.origin)' "$proxy_url" "${PROXY_API_PORT:-5001}")}
read -r -a services <<<"${DEPLOY_SERVICES:-web api realtime}"

target=$(image_ref minitwit "$version")
# The image the stack runs now (Swarm pins a digest after the tag: dropped).
running_image() { d service inspect "${stack}_api" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' 2>/dev/null | sed 's/@sha256:.*//'; }
previous=$(running_image || true)
started=$SECONDS
why=''

deploy_image() {
  step "docker stack deploy $stack with $1"
  MINITWIT_IMAGE=$1 d stack deploy --with-registry-auth --resolve-image "$resolve" -c "$stack_file" "$stack"
}

# converged <image>: 0 when done, 1 while under way, 2 when it can no longer succeed (why says why).
converged() {
  local image=$1 s svc state want tasks running other
  for s in "${services[@]}"; do
    svc=${stack}_$s
    state=$(d service inspect "$svc" --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}')
    case "$state" in
      rollback_* | paused)
        why="$s: Swarm's update ended '$state': $(d service inspect "$svc" --format '{{.UpdateStatus.Message}}')"
        return 2 ;;
      updating) why="$s: update under way"; return 1 ;;
    esac
    want=$(d service inspect "$svc" --format '{{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{end}}')
    tasks=$(d service ps "$svc" --filter desired-state=running --format '{{.Image}} {{.CurrentState}}')
    running=$(grep -cE "^${image//./\\.}(@[^ ]+)? Running" <<<"$tasks" || true)
    other=$(grep -E . <<<"$tasks" | grep -vcE "^${image//./\\.}(@[^ ]+)? " || true)
    if [ "$running" -ne "${want:-$running}" ] || [ "$other" -ne 0 ]; then
      why="$s: $running of ${want:-?} replicas running $image healthy, $other task(s) of another image"
      return 1
    fi
  done
  if d service inspect "${stack}_migrate" >/dev/null 2>&1; then
    if ! d service ps "${stack}_migrate" --format '{{.Image}} {{.CurrentState}}' | grep -qE "^${image//./\\.}(@[^ ]+)? Complete"; then
      why="migrate: the migrations of $image have not completed"
      return 1
    fi
  fi
  why=''
}

# wait_converged <image>: waits up to DEPLOY_TIMEOUT seconds.
wait_converged() {
  local deadline=$((SECONDS + timeout)) status
  while :; do
    status=0
    converged "$1" || status=$?
    [ "$status" -eq 0 ] && return 0
    [ "$status" -eq 2 ] && return 1
    if [ "$SECONDS" -ge "$deadline" ]; then why="not converged within ${timeout} s: $why"; return 1; fi
    sleep 3
  done
}

smoke() { npx tsx infra/deploy/smoke.ts "$proxy_url" "$api_url"; }

# release <image>: deploy, converge, smoke; sets why on failure.
release() {
  local t=$SECONDS
  deploy_image "$1" || { why="docker stack deploy refused the stack"; return 1; }
  step "waiting until ${services[*]} run $1, healthy"
  wait_converged "$1" || return 1
  printf 'converged on %s in %d s\n' "$1" "$((SECONDS - t))"
  step "smoke checks through the proxy ($proxy_url, $api_url)"
  t=$SECONDS
  smoke || { why="smoke checks failed (the lines above with \"ok\":false)"; return 1; }
  printf 'smoke checks passed in %d s\n' "$((SECONDS - t))"
}

step "deploy $version ($target) to stack $stack; running now: ${previous:-nothing}"
if [ "$push" = 1 ]; then bash infra/release/push-images.sh --version "$version"; fi
if release "$target"; then
  step "DEPLOYED $version in $((SECONDS - started)) s"
  exit 0
fi
failure=$why
printf '\nDEPLOY FAILED: %s\n' "$failure" >&2
if [ "$rollback" = 0 ] || [ -z "$previous" ] || [ "$previous" = "$target" ]; then
  printf 'NOT ROLLED BACK (%s)\n' "$([ "$rollback" = 0 ] && echo '--no-rollback' || echo "no earlier version to return to: ${previous:-none}")" >&2
  exit 3
fi
rollback_start=$SECONDS
step "ROLLING BACK to $previous"
if release "$previous"; then
  printf '\nROLLED BACK to %s in %d s (deploy + rollback %d s). The deploy of %s failed: %s\n' \
    "$previous" "$((SECONDS - rollback_start))" "$((SECONDS - started))" "$version" "$failure" >&2
  exit 1
fi
printf '\nROLLBACK FAILED too: %s. The deploy of %s failed: %s\n' "$why" "$version" "$failure" >&2
exit 3
