# shellcheck shell=bash
# Shared by the release and deploy scripts (sourced): image names, the version
# argument, and the Docker client. One place, so that the images a release
# pushes are exactly the ones a deploy pins.
#
# IMAGE_PREFIX   where the images live: <registry>/<namespace>, e.g.
#                ghcr.io/acme (GitHub's registry, the workflows' default) or
#                127.0.0.1:5005/minitwit (a local registry). Default: on GitHub
#                Actions ghcr.io/<the repository's owner, lower case: registry
#                names are>, elsewhere minitwit-release (local images only).
# RELEASE_IMAGES which images a release builds (default: both of ours)

if [ -z "${IMAGE_PREFIX:-}" ]; then
  if [ -n "${GITHUB_REPOSITORY_OWNER:-}" ]; then IMAGE_PREFIX="ghcr.io/${GITHUB_REPOSITORY_OWNER,,}"; else IMAGE_PREFIX=minitwit-release; fi
fi
: "${RELEASE_IMAGES:=minitwit minitwit-postgres-ha}"
# Debian's client where there is one (it matches Debian's engine, see infra/docker/lib.sh).
if [ -z "${DOCKER:-}" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi

# The Dockerfile of each image we build.
dockerfile_of() {
  case "$1" in
    minitwit) echo infra/docker/Dockerfile ;;
    minitwit-postgres-ha) echo infra/docker/base/postgres-ha.Dockerfile ;;
    *) echo "unknown image $1" >&2; return 1 ;;
  esac
}

# image_ref <name> <tag>: the full reference, e.g. ghcr.io/acme/minitwit:1.2.0
image_ref() { printf '%s/%s:%s\n' "${IMAGE_PREFIX%/}" "$1" "$2"; }

# A version is X.Y.Z (an optional leading v is dropped); anything else stops the script.
normalise_version() {
  local v=${1#v}
  if [[ ! $v =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    echo "not a version: '$1' (expected X.Y.Z or vX.Y.Z)" >&2
    return 1
  fi
  printf '%s\n' "$v"
}

step() { printf '\n== %s\n' "$*"; }

# Logs in to IMAGE_PREFIX's registry when a password is given (REGISTRY_USER, REGISTRY_PASSWORD).
registry_login() {
  [ -n "${REGISTRY_PASSWORD:-}" ] || return 0
  local registry=${IMAGE_PREFIX%%/*}
  step "docker login $registry as ${REGISTRY_USER:?REGISTRY_USER is needed with REGISTRY_PASSWORD}"
  printf '%s' "$REGISTRY_PASSWORD" | "$DOCKER" login "$registry" --username "$REGISTRY_USER" --password-stdin
}
