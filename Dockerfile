# syntax=docker/dockerfile:1
# Node 22 LTS: the AWS SDK drops Node 20 in 2027.
# Toolchain for argon2's native addon (its prebuilt binary does not run everywhere), shared by the two stages below.
FROM node:22-bookworm-slim AS toolchain
# swagger-ui-dist pulls in @scarf/scarf, whose install script reports usage over the network: not from our builds.
ENV SCARF_ANALYTICS=false
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Build stage: every dependency, compiles TypeScript. docker-compose.yml runs the emulator from this stage.
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY libs ./libs
RUN npm run build

# Production dependencies, installed afresh from the lockfile (not pruned from the build stage's tree): the same
# `npm ci --omit=dev` that .ci/run runs in a clean copy, so CI sees this step fail before an image build would.
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies only, non-root.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root: the service (user node) can read its code but not change it.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# node is PID 1 and handles SIGTERM itself: readiness turns 503, SHUTDOWN_DRAIN_MS passes, idle connections close,
# in-flight requests get up to SHUTDOWN_GRACE_MS, Redis closes. Give the orchestrator's stop timeout more than
# SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS (defaults 0 + 10 s, under Kubernetes' and ECS's 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
