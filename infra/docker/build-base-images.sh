#!/usr/bin/env bash
# Builds local stand-ins for the upstream images MiniTwit runs on, for
# machines that reach no image registry (only Debian's mirror and npm):
#   minitwit-local/debian:bookworm   debootstrap --variant=minbase + docker import
#   minitwit-local/debian:forky      the same from Debian testing, for nginx only
#   minitwit-local/node:20           this machine's node + npm, user node (uid 1000), CA bundle
#   minitwit-local/postgres:15       Debian's PostgreSQL with upstream's env interface
#   minitwit-local/redis:7, minitwit-local/prometheus:2
#   minitwit-local/nginx:forky       Debian testing's nginx (>= 1.27.3: upstream `resolve`)
#   minitwit-local/{postgres,redis,node}-exporter:debian
#   minitwit-local/postgres-ha:15    PostgreSQL 15 + Patroni + pgBackRest (the replicated tier's
#                                    nodes and backup host; infra/postgres-ha/ copied in)
#   minitwit-local/etcd:3.4          Debian's etcd-server (Patroni's consensus store)
#   minitwit-local/haproxy:2.6       Debian's HAProxy (the primary's stable address, `postgres`)
# Idempotent and cached: an image whose recipe (its Dockerfile, files and this
# script) is unchanged is kept; the debootstrap tree is cached as a tarball in
# $MINITWIT_IMAGE_CACHE. Prints `export …_IMAGE=…` lines for compose/stack.
# Never pulls: every FROM names a local image and builds use --pull=false.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
cache=${MINITWIT_IMAGE_CACHE:-/var/cache/minitwit-images}
mkdir -p "$cache"
ensure_dockerd

# The recipe hash of an image: its Dockerfile, the files it copies, this script, and extra words.
recipe() { cat "$here/build-base-images.sh" "$@" | sha256sum | cut -c1-16; }
# True when the image exists and was built from this recipe.
current() { [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "minitwit.recipe"}}' "$1" 2>/dev/null)" = "$2" ]; }

build() { # build <tag> <dockerfile> <context> <recipe> [build args…]; FROM $BASE_IMAGE (default bookworm)
  local tag=$1 file=$2 context=$3 hash=$4
  shift 4
  if current "$tag" "$hash"; then echo "cached: $tag" >&2; return; fi
  echo "building: $tag" >&2
  local start=$SECONDS
  "$DOCKER" build -q --pull=false --label "minitwit.recipe=$hash" --build-arg "BASE=${BASE_IMAGE:-minitwit-local/debian:bookworm}" \
    "$@" -t "$tag" -f "$file" "$context" >/dev/null
  echo "built: $tag in $((SECONDS - start)) s" >&2
}

# --- Debian minbase trees, imported: bookworm (stable) for everything but the
# proxy; forky (testing) for nginx alone, whose bookworm 1.22 cannot re-resolve
# an upstream's replicas (`server … resolve` needs nginx >= 1.27.3; forky has 1.30).
mirror=$(debian_mirror)
debian_image() { # debian_image <suite> [debootstrap script]: prints its recipe hash
  local suite=$1 script=${2:-} hash tarball rootfs
  hash=$(printf '%s minbase %s v1' "$suite" "$mirror" | sha256sum | cut -c1-16)
  if ! current "minitwit-local/debian:$suite" "$hash"; then
    tarball="$cache/$suite-minbase-$hash.tar"
    if [ ! -s "$tarball" ]; then
      echo "debootstrap $suite from $mirror (once; cached in $tarball)" >&2
      rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
      # shellcheck disable=SC2086 # no script: debootstrap picks the suite's own
      debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" $script >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; rm -rf "$rootfs"; exit 1; }
      # As upstream's debian images: no daemons started by package scripts, no apt caches.
      printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d" && chmod +x "$rootfs/usr/sbin/policy-rc.d"
      printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90minitwit"
      rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
      tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
      rm -rf "$rootfs"
    fi
    "$DOCKER" import --change "LABEL minitwit.recipe=$hash" --change 'CMD ["bash"]' \
      "$tarball" "minitwit-local/debian:$suite" >/dev/null
    echo "imported: minitwit-local/debian:$suite" >&2
  fi
  echo "$hash"
}
debian_hash=$(debian_image bookworm)
# bookworm's debootstrap has no forky script yet; testing is built like sid.
forky_hash=$(debian_image forky /usr/share/debootstrap/scripts/sid)

# --- Node: this machine's node and npm (the versions the project is tested with)
node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
ca=/etc/ssl/certs/ca-certificates.crt
node_hash=$(recipe "$here/base/node.Dockerfile" "$ca" <(node --version; npm --version; echo "$debian_hash"))
if ! current minitwit-local/node:20 "$node_hash"; then
  context=$(mktemp -d)
  cp "$node_bin" "$context/node" && cp -r "$npm_dir" "$context/npm" && cp "$ca" "$context/ca-certificates.crt"
  build minitwit-local/node:20 "$here/base/node.Dockerfile" "$context" "$node_hash"
  rm -rf "$context"
fi

# --- services from Debian packages
for spec in postgres:15 redis:7 prometheus:2; do
  name=${spec%%:*}
  files=("$here/base/$name.Dockerfile")
  [ "$name" = postgres ] && files+=("$here/base/postgres-entrypoint.sh")
  build "minitwit-local/$spec" "$here/base/$name.Dockerfile" "$here/base" \
    "$(recipe "${files[@]}" <(echo "$debian_hash"))"
done
BASE_IMAGE=minitwit-local/debian:forky build minitwit-local/nginx:forky "$here/base/nginx.Dockerfile" "$here/base" \
  "$(recipe "$here/base/nginx.Dockerfile" <(echo "$forky_hash"))"
for name in postgres redis node; do
  build "minitwit-local/$name-exporter:debian" "$here/base/exporter.Dockerfile" "$here/base" \
    "$(recipe "$here/base/exporter.Dockerfile" <(echo "$name $debian_hash"))" \
    --build-arg "PACKAGE=prometheus-$name-exporter"
done

# --- the replicated database tier: etcd, HAProxy, and PostgreSQL + Patroni + pgBackRest.
# postgres-ha.Dockerfile expects the repository's layout (docker-compose.yml builds it
# from the root): its context here holds only the files it copies.
for spec in etcd:3.4 haproxy:2.6; do
  name=${spec%%:*}
  build "minitwit-local/$spec" "$here/base/$name.Dockerfile" "$here/base" \
    "$(recipe "$here/base/$name.Dockerfile" <(echo "$debian_hash"))"
done
ha_scripts=(postgres-ha-entrypoint.sh postgres-ha-secrets.sh patronictl.sh http-ok.sh)
ha_files=("$here/base/postgres-ha.Dockerfile" "${ha_scripts[@]/#/$here/base/}")
ha_share=$(cd "$here/../postgres-ha" && pwd)
while IFS= read -r file; do ha_files+=("$file"); done < <(find "$ha_share" -maxdepth 1 -type f | sort)
ha_hash=$(recipe "${ha_files[@]}" <(echo "$debian_hash"; cd "$ha_share" && find . -maxdepth 1 -type f -printf '%p %m\n' | sort))
if ! current minitwit-local/postgres-ha:15 "$ha_hash"; then
  context=$(mktemp -d)
  mkdir -p "$context/infra/docker/base" "$context/infra/postgres-ha"
  cp -p "${ha_scripts[@]/#/$here/base/}" "$context/infra/docker/base/"
  find "$ha_share" -maxdepth 1 -type f -exec cp -p {} "$context/infra/postgres-ha/" \;
  build minitwit-local/postgres-ha:15 "$here/base/postgres-ha.Dockerfile" "$context" "$ha_hash"
  rm -rf "$context"
fi

cat <<OUT
export NODE_IMAGE=minitwit-local/node:20
export POSTGRES_IMAGE=minitwit-local/postgres:15
export REDIS_IMAGE=minitwit-local/redis:7
export NGINX_IMAGE=minitwit-local/nginx:forky
export PROMETHEUS_IMAGE=minitwit-local/prometheus:2
export POSTGRES_EXPORTER_IMAGE=minitwit-local/postgres-exporter:debian
export REDIS_EXPORTER_IMAGE=minitwit-local/redis-exporter:debian
export NODE_EXPORTER_IMAGE=minitwit-local/node-exporter:debian
export POSTGRES_HA_IMAGE=minitwit-local/postgres-ha:15
export ETCD_IMAGE=minitwit-local/etcd:3.4
export HAPROXY_IMAGE=minitwit-local/haproxy:2.6
OUT
