# Stand-in for an etcd image from Debian's etcd-server 3.4 (and etcdctl from
# etcd-client): the consensus store Patroni keeps its leader key in. The
# command (docker-compose.yml, docker-stack.yml) names every setting; data in
# /var/lib/etcd, owned by the etcd user it runs as.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/lib/etcd/* && mkdir -p /var/lib/etcd && chown etcd:etcd /var/lib/etcd \
 && chmod 700 /var/lib/etcd && etcd --version
ENV ETCDCTL_API=3
USER etcd
VOLUME /var/lib/etcd
EXPOSE 2379 2380
CMD ["etcd", "--data-dir=/var/lib/etcd/data"]
