# shellcheck shell=bash
# Shared by the infra scripts (sourced, not run). Picks the Docker client and
# starts the engine when it is not running.

# Debian's client matches Debian's engine (20.10); a newer client elsewhere on
# PATH (e.g. /usr/local/bin/docker) may speak an API the engine lacks.
if [ -z "${DOCKER:-}" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
export DOCKER

# Starts dockerd by hand (no systemd here) unless an engine already answers.
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: Swarm uses the local image instead of
# asking a registry (none is reachable on machines without one).
ensure_dockerd() {
  if "$DOCKER" info >/dev/null 2>&1; then return 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "ensure_dockerd: dockerd not installed (apt-get install docker.io)" >&2
    return 1
  fi
  echo "starting dockerd (log: /var/log/dockerd-minitwit.log)" >&2
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nohup dockerd >/var/log/dockerd-minitwit.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "ensure_dockerd: the engine did not answer within 60 s; see /var/log/dockerd-minitwit.log" >&2
  return 1
}

# The Debian mirror apt on this machine uses (debootstrap and the images' apt use it too).
debian_mirror() {
  local uri
  uri=$(grep -hsoE '^URIs: *[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources | head -1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hsoE '^deb +[^ ]+/debian/? +bookworm' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | head -1 | awk '{print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}
