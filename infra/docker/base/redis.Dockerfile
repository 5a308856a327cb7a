# Stand-in for redis:7-alpine from Debian's Redis 7.0.
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
# Protected mode stays on: run without a password, this Redis answers only on
# loopback. docker-compose.yml and docker-stack.yml start it with a password
# from a secret (issue 19).
CMD ["redis-server"]
