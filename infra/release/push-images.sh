#!/usr/bin/env bash
# Pushes a release's images (both tags: the version and sha-<commit>) to the registry
# of IMAGE_PREFIX, logging in first when REGISTRY_PASSWORD is set (REGISTRY_USER, the
# registry taken from IMAGE_PREFIX). A local registry (127.0.0.1:5005/...) needs none.
# Usage: infra/release/push-images.sh --version X.Y.Z [--revision <commit>]
set -euo pipefail
cd "$(dirname "$0")/../.."
. infra/release/lib.sh

version='' revision=HEAD
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$(normalise_version "${2:?--version needs a value}"); shift 2 ;;
    --revision) revision=${2:?--revision needs a value}; shift 2 ;;
    *) echo "usage: $0 --version X.Y.Z [--revision <commit>]" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || { echo "usage: $0 --version X.Y.Z" >&2; exit 2; }
short=$(git rev-parse "$revision" | cut -c1-12)

registry_login
for image in $RELEASE_IMAGES; do
  for tag in "$version" "sha-$short"; do
    step "push $(image_ref "$image" "$tag")"
    "$DOCKER" push "$(image_ref "$image" "$tag")"
  done
done
