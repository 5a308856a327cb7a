# Stand-in for haproxy:2.6 from Debian's HAProxy 2.6, with the upstream
# image's config path (/usr/local/etc/haproxy/haproxy.cfg), foreground run
# and soft stop (SIGUSR1), as a non-root user.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /usr/local/etc/haproxy && haproxy -v
USER haproxy
EXPOSE 5432 8404
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
