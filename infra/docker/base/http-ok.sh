#!/bin/bash
# A container healthcheck: GET <path> on 127.0.0.1:<port> answers 200 within
# 3 s. Plain bash (/dev/tcp), as infra/docker/healthcheck.sh, so a check that
# runs every few seconds costs next to nothing. Usage: http-ok <port> [path]
exec 3<>"/dev/tcp/127.0.0.1/${1:?port}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "${2:-/}" >&3
read -r -t 3 status <&3 || exit 1
[[ $status == *' 200 '* ]]
