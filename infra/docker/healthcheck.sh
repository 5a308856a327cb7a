#!/bin/bash
# The container healthcheck of web, api and realtime: GET /livez on the
# given port answers 200. That is the service's internal port (web 9310, api
# 9311, realtime 9312): the public ports do not serve it. /livez, not /healthz:
# live once ready, and still live while the database or Redis is away (the
# replica answers fast 503s then; replacing every replica at once would not
# bring the database back, monitoring/src/internal-listener.ts). Plain bash (/dev/tcp), not node: a check runs every
# few seconds in every replica, and Docker does not kill a check that times
# out, so a heavy one piles up on a loaded host. Usage: healthcheck.sh <port>
exec 3<>"/dev/tcp/127.0.0.1/${1:?port}" || exit 1
printf 'GET /livez HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
read -r -t 3 status <&3 || exit 1
[[ $status == *' 200 '* ]]
