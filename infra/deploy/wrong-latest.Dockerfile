# A release that is healthy by its healthcheck but wrong: its API answers GET /latest one too
# low. The deploy tests (infra/deploy/pipeline-test.sh, infra/topology/multihost.sh) deploy it
# to prove that the smoke checks catch what a healthcheck cannot, and that deploy.sh rolls back.
# Usage: docker build --build-arg BASE=<a release image> --build-arg VERSION=<its version> - <this file
ARG BASE
FROM ${BASE}
USER root
RUN sed -i -E "s/latest: await (db2?)\.simulator\.getLatest\(\)/latest: await \1.simulator.getLatest() - 1/" \
      /app/api/dist/main.js /app/api/dist/index.js && \
    grep -q "getLatest() - 1" /app/api/dist/main.js
USER node
ARG VERSION
LABEL org.opencontainers.image.version=${VERSION}
ENV MINITWIT_VERSION=${VERSION}
