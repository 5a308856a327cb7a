#!/usr/bin/env bash
# Every shell script of the repo through Debian's shellcheck (part of npm run lint):
# the *.sh files and .ci/run, outside node_modules, build output and husky's
# generated .husky/_ (ignored by git, not ours). Options come
# from .shellcheckrc at the root (sourced libraries are followed).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v shellcheck >/dev/null; then
  echo "shellcheck is missing (Debian: apt-get install shellcheck)" >&2
  exit 1
fi

scripts=()
while IFS= read -r -d '' f; do scripts+=("$f"); done < <(
  find . \( -name node_modules -o -name .git -o -name .svelte-kit -o -name dist -o -name build -o -path ./.husky/_ \) -prune \
    -o -type f \( -name '*.sh' -o -path ./.ci/run \) -print0 | sort -z
)
echo "shellcheck: ${#scripts[@]} scripts"
shellcheck "${scripts[@]}"
