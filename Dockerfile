# Tokenroom in a container, for a department server (docs/operations.md; compose.yaml adds PostgreSQL
# and Redis). Build stage: the full install, `pnpm build`, then `pnpm install --prod` drops the
# devDependencies. Run stage: the built tree, as the unprivileged `node` user, started by plain node.
FROM node:20-bookworm-slim AS build
ENV CI=true
RUN npm install -g pnpm@12.4.2
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && pnpm install --prod --frozen-lockfile --offline

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data/pglite
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# PGlite's directory when DATABASE_URL is unset (one process, no PostgreSQL)
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "server/dist/index.js"]
