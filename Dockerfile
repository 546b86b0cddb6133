# Jiomosa renderer image: Node 20 + Debian's Chromium, no build tools at run time.
#
#   docker build -t jiomosa-renderer .      (or: docker compose build)
#
# Both stages use the same Debian bookworm base: the prebuilt @roamhq/wrtc binary needs
# glibc >= 2.34 (bookworm has 2.36), and native modules built or verified in the build
# stage must load against the same libc in the runtime stage.

# ---------------------------------------------------------------------------
# Stage "build": install every dependency, compile TypeScript, bundle the viewer,
# then drop the dev dependencies so node_modules holds only what runs.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build

WORKDIR /app

# playwright-core never downloads a browser; the dev-only "playwright" package used by the
# component tests must not either (the runtime uses Debian's /usr/bin/chromium).
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false

# Manifests first, so the dependency layer is reused while only sources change.
# Native modules (@roamhq/wrtc, @julusian/jpeg-turbo) ship prebuilt binaries in their
# npm packages, so no compiler is needed here either.
COPY package.json package-lock.json ./
RUN npm ci

COPY tsconfig*.json ./
COPY protocol ./protocol
COPY renderer ./renderer
COPY viewer ./viewer
COPY scripts ./scripts
COPY config ./config

RUN npm run build \
 && npm prune --omit=dev

# ---------------------------------------------------------------------------
# Stage "runtime": Chromium, fonts, PulseAudio, an init process, the compiled app. Nothing else.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

# chromium: driven by playwright-core through CDP (never a downloaded browser).
# fonts-*: Latin metric-compatible fonts, CJK and colour emoji, so kiosk pages render text
#   instead of empty boxes (the slim base image has almost no fonts).
# pulseaudio, pulseaudio-utils: the appliance's own sound server for kiosks with `audio: true`
#   (one null sink per session, read with parec); no sound card or host audio is used.
# dumb-init: PID 1 that forwards SIGTERM to node and reaps Chromium's zombie processes.
# ca-certificates: HTTPS kiosk pages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium \
      fonts-liberation \
      fonts-noto-cjk \
      fonts-noto-color-emoji \
      pulseaudio \
      pulseaudio-utils \
      dumb-init \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# JIOMOSA_SKIP_SETUP=1: the start script must not try apt/npm installs inside the image.
# HOME: Chromium writes its profile, crash and cache data under HOME; /home/node is owned
# by the unprivileged "node" user of the base image.
ENV NODE_ENV=production \
    JIOMOSA_SKIP_SETUP=1 \
    JIOMOSA_CONFIG=/app/config/kiosk.yaml \
    HOME=/home/node

WORKDIR /app

# The application files stay owned by root and read-only for the "node" user; the process
# writes only to HOME and /tmp.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Default configuration; compose mounts ./config over it (read-only) so edits need no rebuild.
COPY --from=build /app/config ./config

USER node

# HTTP (launcher, viewer, REST API) and the WebSocket signaling on the same port.
# WebRTC media uses ephemeral UDP ports: see compose.yaml and docs/deploy.md.
EXPOSE 8000

# No curl in the image: ask node itself. PORT is read so a non-default port still checks
# the right socket; /health answers 503 until Chromium is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "dist/renderer/main.js"]
