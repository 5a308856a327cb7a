#!/bin/bash
# patronictl with the node's secrets (postgres-ha-secrets.sh): under Swarm the
# REST API's password is a file, and Patroni's config needs it as a variable
# (without it patronictl fails before it asks anything).
# shellcheck source=postgres-ha-secrets.sh
. /usr/local/lib/minitwit/postgres-ha-secrets.sh
exec /usr/bin/patronictl "$@"
