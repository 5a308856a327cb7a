# Stand-in for a Prometheus exporter image from its Debian package
# (PACKAGE: prometheus-postgres-exporter, prometheus-redis-exporter, prometheus-node-exporter).
ARG BASE
FROM ${BASE}
ARG PACKAGE
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$PACKAGE" >/dev/null \
 && rm -rf /var/lib/apt/lists/* && ln -s "/usr/bin/$PACKAGE" /usr/local/bin/exporter
USER nobody
ENTRYPOINT ["/usr/local/bin/exporter"]
