#!/usr/bin/env bash
# A release of the commit checked out: its images built once and tagged with the version
# and the commit (build-images.sh), CHANGELOG.md and the release notes from the commits
# since the previous tag (changelog.ts), then, as asked:
#   --push     push the images to IMAGE_PREFIX's registry (push-images.sh)
#   --publish  --push, and publish the GitHub release vX.Y.Z with those notes and
#              the CHANGELOG.md attached (the gh CLI, GH_TOKEN; the release workflow)
# Usage: infra/release/release.sh --version X.Y.Z [--push] [--publish]
# Output: release/notes.md and release/CHANGELOG.md (git-ignored: a release commits nothing).
set -euo pipefail
cd "$(dirname "$0")/../.."
. infra/release/lib.sh

version='' push=0 publish=0
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$(normalise_version "${2:?--version needs a value}"); shift 2 ;;
    --push) push=1; shift ;;
    --publish) push=1 publish=1; shift ;;
    *) echo "usage: $0 --version X.Y.Z [--push] [--publish]" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || { echo "usage: $0 --version X.Y.Z [--push] [--publish]" >&2; exit 2; }
export IMAGE_PREFIX
started=$SECONDS

bash infra/release/build-images.sh --version "$version"

step "release notes since the previous tag"
mkdir -p release
npx tsx infra/release/changelog.ts --version "$version" --changelog release/CHANGELOG.md --notes release/notes.md

if [ "$push" = 1 ]; then bash infra/release/push-images.sh --version "$version"; fi

if [ "$publish" = 1 ]; then
  step "GitHub release v$version"
  gh release create "v$version" --verify-tag --title "v$version" --notes-file release/notes.md release/CHANGELOG.md
fi
step "release $version done in $((SECONDS - started)) s: $(image_ref minitwit "$version")"
