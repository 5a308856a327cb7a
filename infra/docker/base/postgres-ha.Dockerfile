# MiniTwit's replicated database tier, one image for its PostgreSQL nodes
# (pg-1, pg-2) and its backup host (pgbackrest): Debian's PostgreSQL 15,
# Patroni 3.0.2 (with its etcd client), pgBackRest 2.45 and, for the backup
# host's exporter, python3-prometheus-client. No upstream image has Patroni,
# so docker-compose.yml builds this file when POSTGRES_HA_IMAGE is not there
# (context: the repository root); build-base-images.sh builds it FROM the local
# Debian image as minitwit-local/postgres-ha:15.
#   minitwit-postgres-ha node     Patroni + `pgbackrest server` (the default)
#   minitwit-postgres-ha backup   `pgbackrest server` + backup-schedule.sh + pgbackrest-exporter.py
#   anything else                 run as the postgres user, e.g. `pgbackrest info`
# The entrypoint starts as root only to take the secrets and the TLS material
# from /run/secrets, then runs everything as postgres (docker exec: -u postgres).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql-15 patroni python3-etcd pgbackrest python3-prometheus-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 /etc/postgresql/15/main /etc/pgbackrest.conf \
 && mkdir -p /var/lib/postgresql/data /var/lib/pgbackrest /var/log/pgbackrest /var/spool/pgbackrest \
      /var/run/postgresql /etc/pgbackrest/tls \
 && chown -R postgres:postgres /var/lib/postgresql /var/lib/pgbackrest /var/log/pgbackrest \
      /var/spool/pgbackrest /var/run/postgresql /etc/pgbackrest/tls \
 && chmod 700 /var/lib/postgresql/data /var/lib/pgbackrest /etc/pgbackrest/tls \
 && patroni --version && pgbackrest version
# patroni.yml, haproxy.cfg, post-bootstrap.sh + roles.sql, backup-schedule.sh, pgbackrest-exporter.py
COPY infra/postgres-ha/ /usr/local/share/minitwit/
COPY infra/docker/base/postgres-ha-entrypoint.sh /usr/local/bin/minitwit-postgres-ha
COPY infra/docker/base/http-ok.sh /usr/local/bin/http-ok
COPY infra/docker/base/postgres-ha-secrets.sh /usr/local/lib/minitwit/postgres-ha-secrets.sh
COPY infra/docker/base/patronictl.sh /usr/local/bin/patronictl
RUN ln -s /usr/local/share/minitwit/patroni.yml /etc/patroni.yml
ENV PATH=/usr/lib/postgresql/15/bin:$PATH LANG=C.UTF-8 \
    PATRONI_POSTGRESQL_DATA_DIR=/var/lib/postgresql/data/patroni
VOLUME /var/lib/postgresql/data
EXPOSE 5432 8008 8432 9854
ENTRYPOINT ["minitwit-postgres-ha"]
CMD ["node"]
# Which build this is (issue 21; infra/release/build-images.sh passes these): OCI labels
# for registries and `docker inspect`. Last, so that a new
# version rebuilds no layer. Unset (a build by hand): the labels are empty.
ARG MINITWIT_VERSION=
ARG MINITWIT_REVISION=
ARG MINITWIT_SOURCE=
ARG MINITWIT_CREATED=
LABEL org.opencontainers.image.title="minitwit-postgres-ha" \
      org.opencontainers.image.version="${MINITWIT_VERSION}" \
      org.opencontainers.image.revision="${MINITWIT_REVISION}" \
      org.opencontainers.image.source="${MINITWIT_SOURCE}" \
      org.opencontainers.image.created="${MINITWIT_CREATED}"
