# syntax=docker/dockerfile:1
# Focus for Slack: compiled TypeScript on the current Node LTS (24), production dependencies
# only, running as the unprivileged `node` user with read-only application files.
# Configuration comes from the environment at run time (`docker run --env-file focus.env`, see
# README); nothing secret is baked into any layer.
#
#   docker build -t focus-for-slack .
#   docker run --env-file focus.env -p 3000:3000 focus-for-slack
#
# Stop with a grace period longer than SHUTDOWN_GRACE_MS (default 10 s), e.g. `docker stop -t 15`.

FROM node:24-slim AS base
WORKDIR /app

# Stage 1: compile src/ to dist/ with the dev dependencies.
FROM base AS build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Stage 2: production dependencies only (no install scripts: none of them needs one).
FROM base AS deps
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Stage 3: the runtime image. Files stay owned by root, so the app cannot rewrite its own code.
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# --heap-growing-percent=20: V8 collects before the heap grows past 1.2x what is live, instead of
# letting it grow lazily to several hundred MB under load (the live heap is ~35 MB); unlike a
# hard --max-old-space-size, a burst cannot make it crash. Same flags as `npm start`.
CMD ["node", "--heap-growing-percent=20", "--enable-source-maps", "dist/main.js"]
