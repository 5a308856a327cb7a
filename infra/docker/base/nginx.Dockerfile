# Stand-in for nginx:1.28-alpine from Debian testing's nginx (1.30 when this
# was written; the proxy config needs >= 1.27.3 for `server … resolve` in an
# upstream): logs to the container's output, runs in the foreground, stops
# gracefully on SIGQUIT.
ARG BASE
FROM ${BASE}
# Testing's Release file is valid for a week only; a mirror that serves a
# snapshot (as this project's CI machines do) would fail that check.
RUN apt-get -o Acquire::Check-Valid-Until=false update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
