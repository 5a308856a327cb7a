#!/usr/bin/env bash
# Builds the release images once, labelled (OCI: version, revision, source,
# created) and tagged with the version and the commit:
#   $IMAGE_PREFIX/minitwit:<version>  and  $IMAGE_PREFIX/minitwit:sha-<commit>
#   (the same for minitwit-postgres-ha)
# Usage: infra/release/build-images.sh --version X.Y.Z [--revision <commit>] [--context <dir>]
#   --context: build another tree (e.g. an older release from `git archive <commit> | tar -x`);
#   default: this checkout. --revision names the commit the tree is.
# Environment: IMAGE_PREFIX, RELEASE_IMAGES (infra/release/lib.sh); NODE_IMAGE and
# DEBIAN_IMAGE, the base images (defaults: the official ones; on a machine without
# a registry, the local stand-ins of infra/docker/build-base-images.sh);
# SOURCE_URL, the repository's address for the source label.
set -euo pipefail
cd "$(dirname "$0")/../.."
. infra/release/lib.sh

version='' revision='' context=.
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$(normalise_version "${2:?--version needs a value}"); shift 2 ;;
    --revision) revision=${2:?--revision needs a value}; shift 2 ;;
    --context) context=${2:?--context needs a directory}; shift 2 ;;
    *) echo "usage: $0 --version X.Y.Z [--revision <commit>] [--context <dir>]" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || { echo "usage: $0 --version X.Y.Z [--revision <commit>]" >&2; exit 2; }
revision=$(git rev-parse "${revision:-HEAD}")
short=${revision:0:12}
created=$(git show -s --format=%cI "$revision")
source_url=${SOURCE_URL:-$(git remote get-url origin 2>/dev/null || true)}

for image in $RELEASE_IMAGES; do
  file=$(dockerfile_of "$image")
  step "build $(image_ref "$image" "$version") from $file"
  # --pull=false: a base image already here is used as is (no registry may be reachable);
  # a missing one is still fetched by the engine.
  "$DOCKER" build --pull=false -f "$context/$file" \
    --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:20-bookworm-slim}" \
    --build-arg "BASE=${DEBIAN_IMAGE:-debian:bookworm-slim}" \
    --build-arg "MINITWIT_VERSION=$version" \
    --build-arg "MINITWIT_REVISION=$short" \
    --build-arg "MINITWIT_SOURCE=$source_url" \
    --build-arg "MINITWIT_CREATED=$created" \
    -t "$(image_ref "$image" "$version")" -t "$(image_ref "$image" "sha-$short")" "$context"
done
step "built"
for image in $RELEASE_IMAGES; do image_ref "$image" "$version"; image_ref "$image" "sha-$short"; done
