#!/usr/bin/env bash
# A Docker context named `swarm` that reaches the Swarm manager over SSH, for deploy.sh
# --context swarm (the deploy workflow). The key and the manager's host key come from
# the environment, never from a file of the repository:
#   DEPLOY_SSH_HOST         user@manager.example.org
#   DEPLOY_SSH_KEY          the private key (a deploy-only user in the manager's docker group)
#   DEPLOY_SSH_KNOWN_HOSTS  the manager's line(s) for known_hosts (ssh-keyscan, checked once)
set -euo pipefail
: "${DEPLOY_SSH_HOST:?DEPLOY_SSH_HOST (user@host of the Swarm manager) is not set}"
: "${DEPLOY_SSH_KEY:?DEPLOY_SSH_KEY is not set}"
: "${DEPLOY_SSH_KNOWN_HOSTS:?DEPLOY_SSH_KNOWN_HOSTS is not set: a deploy never trusts a host key on first use}"

install -d -m 700 "$HOME/.ssh"
umask 077
printf '%s\n' "$DEPLOY_SSH_KEY" > "$HOME/.ssh/minitwit_deploy"
printf '%s\n' "$DEPLOY_SSH_KNOWN_HOSTS" >> "$HOME/.ssh/known_hosts"
host=${DEPLOY_SSH_HOST#*@}
cat >> "$HOME/.ssh/config" <<CONFIG
Host $host
  IdentityFile ~/.ssh/minitwit_deploy
  IdentitiesOnly yes
  StrictHostKeyChecking yes
CONFIG

docker context rm -f swarm >/dev/null 2>&1 || true
docker context create swarm --docker "host=ssh://$DEPLOY_SSH_HOST" >/dev/null
docker --context swarm info --format 'swarm manager: {{.Name}}, swarm {{.Swarm.LocalNodeState}}, manager {{.Swarm.ControlAvailable}}'
