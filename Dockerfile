# Multi-stage build of token-service, revocation-relay and audit (one image,
# the command picks the app). The apps run as `node`, production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles a native addon when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# `npm ci` builds (the `prepare` script), so the sources come first.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json nest-cli.json ./
COPY packages ./packages
COPY tools/build ./tools/build
COPY apps ./apps
COPY libs ./libs
RUN npm ci --no-audit --no-fund && cp -RL dist /app/dist-image && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/refresh-tokens
WORKDIR /app
# DATA_DIRs of token-service and of the standalone relay, owned by the user the apps run as (0700: DATA_DIR's own rule).
RUN mkdir -p /var/lib/refresh-tokens /var/lib/revocation-relay \
  && chown node:node /var/lib/refresh-tokens /var/lib/revocation-relay \
  && chmod 0700 /var/lib/refresh-tokens /var/lib/revocation-relay
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
# dist is a symlink to the current build (tools/build/atomic-build.mjs); the image gets the build itself.
COPY --from=build --chown=node:node /app/dist-image ./dist
# Started as root only to copy compose's file secrets (which keep the host file's owner and mode, 0600
# included) where `node` can read them; it then drops to `node` before the app starts. `docker run --user`
# or a runAsNonRoot pod starts the app directly. tools/docker/entrypoint.sh says more.
COPY tools/docker/entrypoint.sh /usr/local/bin/refresh-token-entrypoint
ENTRYPOINT ["/usr/local/bin/refresh-token-entrypoint"]
EXPOSE 3000
VOLUME ["/var/lib/refresh-tokens", "/var/lib/revocation-relay"]
# token-service's readiness. The relay has no HTTP port: its service overrides this with a check of the
# status file it rewrites every few seconds (docker-compose.yml, README "Running on EventStoreDB and Kafka").
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/token-service/src/main.js"]
