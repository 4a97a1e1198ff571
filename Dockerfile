# Production image: compiled once in a build stage; the runtime holds production dependencies only and runs as the non-root `node` user.
# Not built in CI (no Docker engine on the development machines), see docs/docker.md; CI runs the same steps
# without Docker on every run (scripts/prod-smoke.sh: build, npm ci --omit=dev in a copy of the runtime files, start).

# ---- build: all dependencies, type-checked compile to dist/ ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsconfig.build.json builds src/ and the operator's statement script only (dev tools are not built).
COPY scripts/statement.ts scripts/statement-cli.ts ./scripts/
RUN npm run build

# ---- runtime: production dependencies, compiled code, views, static files, default config ----
# The files copied here are RUNTIME_FILES in scripts/prod-smoke.sh (a test keeps both lists equal).
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Owned by root and read-only for the app: the process cannot rewrite its own code or templates.
COPY --from=build /app/dist ./dist
COPY views ./views
COPY public ./public
COPY config ./config
# src/container.ts finds views/, public/ and config/ two levels above dist/src/ (ROOT_DIR = /app).
USER node
EXPOSE 3000
# Liveness only (the process answers); readiness of Redis/MongoDB is /readyz, for the orchestrator. Slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
