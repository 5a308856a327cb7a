# shellcheck shell=bash
# Shared by the release and deploy scripts (sourced): image names, the version
# argument, and the Docker client. One place, so that the images a release
# pushes are exactly the ones a deploy pins.
#
# IMAGE_PREFIX   where the images live: <registry>/<namespace>, e.g.
#                ghcr.io/acme (GitHub's registry, the workflows' default) or
#                127.0.0.1:5005/minitwit (a local registry). Default: minitwit-release.
# RELEASE_IMAGES which images a release builds (default: both of ours)

: "${IMAGE_PREFIX:=minitwit-release}"
: "${RELEASE_IMAGES:=minitwit minitwit-postgres-ha}"
DOCKER=${DOCKER:-docker}

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
  if [[ ! $v =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "not a version: '$1' (expected X.Y.Z or vX.Y.Z)" >&2
    return 1
  fi
  printf '%s\n' "$v"
}

step() { printf '\n== %s\n' "$*"; }
