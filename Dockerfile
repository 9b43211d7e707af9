# syntax=docker/dockerfile:1
#
# kbbot's container image. Build: `docker build -t kbbot .`; run: see README, "Deploying with Docker".
# The same commands as the README and CI: `npm ci` (whose `prepare` runs `npm run build`), `npm run build`,
# and `kbbot start` (what `npm start` runs, without npm's rebuild on every start).
# Written and checked statically (test/unit/deploy.test.ts): the machines kbbot is developed on run no Docker.

# ---- build: dependencies (better-sqlite3 compiled or fetched for this very base image) and dist/ ----
FROM node:20-slim AS build
# better-sqlite3 is a native module: npm ci fetches its prebuilt binary, or compiles it with these when none fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# `npm ci` runs the `prepare` script (the TypeScript build), so the sources come in before it.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npm run build
# Production dependencies only; the compiled better-sqlite3 binary stays in node_modules.
RUN npm prune --omit=dev

# ---- runtime: node:20-slim (the same base, so the native binary fits), no compiler, not root ----
FROM node:20-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    METRICS_PORT=9464
WORKDIR /app
# What the running bot reads besides dist/: package.json (its version and package root), the
# bundled KB (seeds/, the default KB_DIR), the intent classifier's training set (training/intents,
# read at start-up), the quote-end model (models/), and appPackage/ for `kbbot teams-package`.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY bin ./bin
COPY seeds ./seeds
COPY training/intents ./training/intents
COPY models ./models
COPY appPackage ./appPackage
# The index file and the bot's storage (kbbot.db) live in DATA_DIR: a volume owned by the `node` user
# (uid 1000) of the base image. The application files stay root's, read-only to the bot.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# 3000: Slack's POST /slack/events (PORT); 3978: Teams' POST /api/messages (TEAMS_PORT, when not sharing PORT);
# 9464: /healthz, /readyz and /metrics in every mode (METRICS_PORT; the only place in Socket Mode).
EXPOSE 3000 3978 9464
# Liveness: the process serves HTTP. No curl in slim: node itself asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form): readiness fails at once, replies under way finish within
# SHUTDOWN_GRACE_MS (10 s): stop with `docker stop -t 20` (compose: stop_grace_period) so none is cut.
CMD ["node", "bin/kbbot.js", "start"]
