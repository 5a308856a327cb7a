#!/usr/bin/env bash
# Makes the TLS material pgBackRest's hosts use to talk to each other (its
# TLS server mode: the backup host pulls backups from the PostgreSQL nodes
# and the nodes push WAL to the backup host, each side checking the other's
# certificate): a private CA, and one certificate for the client name
# `minitwit-backup` valid for every host name or address given.
#   backup-certs.sh <dir> <name-or-address>…
# Writes <dir>/ca.crt, <dir>/host.crt, <dir>/host.key (and keeps an existing
# set). The key is a secret: deployments pass the directory as a secret or a
# read-only mount, never through the repo.
set -euo pipefail
dir=$1
shift
[ -s "$dir/host.crt" ] && [ -s "$dir/host.key" ] && [ -s "$dir/ca.crt" ] && exit 0
mkdir -p "$dir"
san=""
for name in "$@"; do
  # pgBackRest 2.45 matches the host it dials against DNS names only, so an
  # address is listed as a DNS name too (and as an IP for other clients).
  if [[ $name =~ ^[0-9.]+$ ]]; then san+="IP:$name,"; fi
  san+="DNS:$name,"
done
san=${san%,}
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=minitwit-backup-ca \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=minitwit-backup \
  -keyout "$dir/host.key" -out "$dir/host.csr" 2>/dev/null
openssl x509 -req -in "$dir/host.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 3650 -out "$dir/host.crt" -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san") 2>/dev/null
rm -f "$dir/host.csr" "$dir/ca.srl" "$dir/ca.key"
chmod 600 "$dir/host.key"
