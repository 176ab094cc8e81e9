# syntax=docker/dockerfile:1
# Plant service image. Build: docker build -t plant .
# Run:        docker run -e DATABASE_URL=... -e JWT_SECRET=... -v key.pem:/run/secrets/signing-key.pem plant
# Migrate:    docker run -e DATABASE_URL=<owner url> plant node bin/plant.js migrate
# No secret is baked in: configuration comes from the environment and mounted files.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The SDK is an npm workspace: npm ci needs its manifest, the build its sources.
COPY clients/typescript/package.json ./clients/typescript/
# Scripts off: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY clients/typescript/tsconfig.json ./clients/typescript/
COPY clients/typescript/src ./clients/typescript/src
# The console: `npm run build` compiles and bundles it into web/dist, which the server serves at /.
COPY web ./web
# The build ends by migrating an empty embedded database into dist/ (what a first start copies).
COPY migrations ./migrations
COPY scripts/pglite-template.ts ./scripts/
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    PLANT_DATA_DIR=/home/node/.plant \
    MIGRATE_ON_START=false
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# node_modules/@plant/client links here: the CLI's --url mode and the verifier use the SDK.
COPY --from=build --chown=root:root /app/clients/typescript/package.json ./clients/typescript/
COPY --from=build --chown=root:root /app/clients/typescript/dist ./clients/typescript/dist
COPY --from=build --chown=root:root /app/web/dist ./web/dist
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root migrations ./migrations
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/plant.js", "serve"]
