# syntax=docker/dockerfile:1
# `container-insights watch` as a container: Node 22, the Pulumi CLI (pinned version, checksum-verified download) and
# its aws/kubernetes plugins, the project with its locked dependencies, a non-root user (uid 10001).
# Build: docker build -t container-insights-watch .   Run: see docs/automation.md, "The watch service".
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS pulumi
# The CLI release and the sha256 of its linux-x64 archive. When changing the version, take the new sum from the
# release's pulumi-<version>-checksums.txt (github.com/pulumi/pulumi/releases) and compare it with the download.
ARG PULUMI_VERSION=3.255.0
ARG PULUMI_SHA256=cf559568e2c32f7fae56ea3de8ae5fa48973ba8c5aa9dd2b3dc0c8898fe50dba
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL -o /tmp/pulumi.tar.gz "https://get.pulumi.com/releases/sdk/pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz" \
 && echo "${PULUMI_SHA256}  /tmp/pulumi.tar.gz" | sha256sum -c - \
 && tar -xzf /tmp/pulumi.tar.gz -C /opt \
 && rm /tmp/pulumi.tar.gz

FROM ${NODE_IMAGE} AS app
WORKDIR /app
COPY package.json package-lock.json ./
COPY policies/package.json policies/
# Everything the lock file names: the program runs through ts-node and TypeScript 5 (devDependencies), as the
# Pulumi CLI runs it; --ignore-scripts: no package runs code at install.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
COPY --from=pulumi /opt/pulumi /opt/pulumi
ENV PATH=/opt/pulumi:$PATH PULUMI_HOME=/home/watch/.pulumi PULUMI_SKIP_UPDATE_CHECK=true
# The resource plugins the locked SDKs need, installed now so that a read-only container does not download them.
RUN pulumi plugin install resource aws "$(node -p 'require("@pulumi/aws/package.json").version')" \
 && pulumi plugin install resource kubernetes "$(node -p 'require("@pulumi/kubernetes/package.json").version')"

FROM ${NODE_IMAGE}
# tini as PID 1 reaps the CLI's children and hands SIGTERM to node only (no -g): the Pulumi CLI must never get
# SIGTERM itself, it would die holding the stack's lock. The service turns SIGTERM into a graceful stop.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 watch \
 && useradd --uid 10001 --gid 10001 --home-dir /home/watch --no-create-home --shell /usr/sbin/nologin watch
COPY --from=app /opt/pulumi /opt/pulumi
COPY --from=app /app /app
COPY --from=app --chown=10001:10001 /home/watch /home/watch
ENV PATH=/opt/pulumi:$PATH PULUMI_HOME=/home/watch/.pulumi PULUMI_SKIP_UPDATE_CHECK=true NODE_ENV=production HOME=/home/watch
WORKDIR /app
USER 10001:10001
EXPOSE 9090
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/cli/container-insights.js"]
CMD ["watch", "--env", "prod"]
