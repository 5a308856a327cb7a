#!/usr/bin/env bash
# The system packages the tests use, on a Debian bookworm CI container (the hosted
# workflow's job runs in node:20-bookworm as root): a real Chromium for Playwright,
# Prometheus and the exporters, nginx, the compose validator, shellcheck, PostgreSQL 15's
# server binaries and Redis (the fault scenarios start their own), and the replicated
# database tier's tools. .ci/run installs the same list on its machine.
set -euo pipefail

packages=(
  chromium prometheus docker-compose redis-server nginx shellcheck git
  prometheus-postgres-exporter prometheus-redis-exporter prometheus-node-exporter
  postgresql-15 postgresql-client-15
  patroni etcd-server haproxy pgbackrest iproute2 iptables openssl python3-prometheus-client
)
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# The packages' own services are not wanted: the job's PostgreSQL and Redis are its services.
for service in postgresql redis-server; do "${sudo[@]}" service "$service" stop >/dev/null 2>&1 || true; done
command -v chromium promtool docker-compose shellcheck
