# ringbook in a container: Node on Debian, built in a stage of its own (AssemblyScript is a build tool, a
# devDependency), run with the runtime dependencies only (npm ci --omit=dev; esbuild is one of them, it loads
# strategy files), as a non-root user, the data directory a volume, the health check on /health.
# docs/operations.md says how to build and run it.
#
#   docker build -t ringbook .
#   docker run -d --stop-timeout 60 --network host -v ringbook-data:/data ringbook     # the recorder (default)
#   docker run -d --stop-timeout 60 --network host -v ringbook-data:/data --env-file bitget-demo.env \
#     -e RINGBOOK_METRICS_PORT=9465 ringbook live --demo --symbol BTCUSDT --preset demo --record /data/trader --metrics-port 9465 --log-format json

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY asconfig.json tsconfig.json ./
COPY assembly assembly
COPY src src
COPY bench bench
COPY scripts scripts
RUN node scripts/build.mjs --no-tests

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RINGBOOK_METRICS_PORT=9464
WORKDIR /opt/ringbook
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/build build
COPY scripts/healthcheck.mjs scripts/healthcheck.mjs
COPY docs docs
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin ringbook \
    && mkdir -p /data && chown ringbook:ringbook /data
USER ringbook
VOLUME /data
# ready = market data fresh and the recorder writing (503 otherwise); the first minute is for connecting
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
# SIGTERM is the orderly stop (files finished, orders cancelled): docker stop gives it 10 s unless the container was
# run with --stop-timeout (60 above; compose: stop_grace_period), then kills it mid-flatten
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "build/ringbook.mjs"]
CMD ["record", "--symbols", "BTCUSDT,ETHUSDT", "--out", "/data/market", "--ws-url", "wss://ws.bitget.com/v2/ws/public", "--rest-url", "https://api.bitget.com", "--metrics-port", "9464", "--log-format", "json"]
