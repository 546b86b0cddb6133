# Jiomosa renderer image: Node 20 + Debian's Chromium, no build tools at run time.
#
#   docker compose up -d                     (builds on first use)
#   docker build -t jiomosa-renderer .       (or: docker compose build)
#
# Both stages use the same Debian bookworm base: the prebuilt @roamhq/wrtc binary needs
# glibc >= 2.34 (bookworm has 2.36), and native modules installed in the build stage must load
# against the same libc in the runtime stage. A site with its own registry mirror passes
# --build-arg NODE_IMAGE=mirror.example/node:20-bookworm-slim (or NODE_IMAGE in .env).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# Stage "build": install every dependency, compile TypeScript, bundle the viewer,
# then drop the dev dependencies so node_modules holds only what runs.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

WORKDIR /app

# playwright-core never downloads a browser; the dev-only "playwright" package used by the
# component tests must not either (the runtime uses Debian's /usr/bin/chromium).
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false

# Manifests first, so the dependency layer is reused while only sources change.
# Native modules (@roamhq/wrtc, @julusian/jpeg-turbo) ship prebuilt binaries in their
# npm packages, so no compiler is needed here either. The npm cache is dropped in the same
# layer: it would otherwise stay in the build stage's history for nothing.
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

COPY tsconfig*.json ./
COPY protocol ./protocol
COPY renderer ./renderer
COPY viewer ./viewer
COPY scripts ./scripts
COPY config ./config

# Only the runtime's files go on: compiled renderer, protocol and viewer (no tests, bench or
# source maps), production node_modules without their docs, type declarations and other
# platforms' binaries.
RUN npm run build -- --runtime \
 && npm prune --omit=dev \
 && find dist -name '*.map' -delete \
 && find node_modules -type f \( -name '*.md' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) ! -iname 'license*' -delete

# ---------------------------------------------------------------------------
# Stage "runtime": Chromium, fonts, PulseAudio, an init process, the compiled app. Nothing else.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# apt-get upgrade: the base image may be weeks old; Debian's security updates (Chromium's
#   above all) go in at every build (`docker compose build --pull` refreshes the base too).
# chromium: driven by playwright-core through CDP (never a downloaded browser).
# chromium-headless-shell: the same Chromium built for begin-frame capture (video.capture:
#   beginframe, or auto), where the page draws only the frames the renderer asks for.
# fonts-*: Latin metric-compatible fonts, CJK and colour emoji, so kiosk pages render text
#   instead of empty boxes (the slim base image has almost no fonts).
# pulseaudio, pulseaudio-utils: the appliance's own sound server for kiosks with `audio: true`
#   (one null sink per session, read with parec); no sound card or host audio is used.
# dumb-init: PID 1 that forwards SIGTERM to node and reaps Chromium's zombie processes.
# ca-certificates: HTTPS kiosk pages.
# Then, in the same layer so they never reach the image: apt lists and caches, the docs, man
# pages and message catalogues the packages brought, and Mesa's hardware GL drivers with the
# LLVM they need (≈ 160 MB): chromium-common depends on x11-utils → libgl1 → Mesa, but headless
# Chromium renders with its own SwiftShader and never loads them.
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get -y upgrade \
 && apt-get install -y --no-install-recommends \
      chromium \
      chromium-headless-shell \
      fonts-liberation \
      fonts-noto-cjk \
      fonts-noto-color-emoji \
      pulseaudio \
      pulseaudio-utils \
      dumb-init \
      ca-certificates \
 && dpkg --purge --force-depends libgl1-mesa-dri libllvm15 libz3-4 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
      /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian \
 && install -d -o node -g node -m 0700 /var/lib/jiomosa

# JIOMOSA_SKIP_SETUP=1: the start script must not try apt/npm installs inside the image.
# HOME: Chromium writes its profile, crash and cache data under HOME; /home/node is owned
# by the unprivileged "node" user of the base image (a tmpfs under compose's read-only root).
# TURN_SECRET_FILE: where the renderer keeps the TURN secret it generates on first start
# (a named volume under compose, shared read-only with coturn). JIOMOSA_TOKEN_FILE: the tablets'
# login tokens (hashed) in the same volume, so tablets stay paired across restarts.
ENV NODE_ENV=production \
    JIOMOSA_SKIP_SETUP=1 \
    JIOMOSA_CONFIG=/app/config/kiosk.yaml \
    HOME=/home/node \
    TURN_SECRET_FILE=/var/lib/jiomosa/turn-secret \
    JIOMOSA_TOKEN_FILE=/var/lib/jiomosa/tablet-tokens.json

WORKDIR /app

# The application files stay owned by root and read-only for the "node" user; the process
# writes only to HOME, /tmp and its state folder /var/lib/jiomosa (made above, owned by
# "node", so a new named volume mounted there is too).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Default configuration; compose mounts ./config over it (read-only) so edits need no rebuild.
COPY --from=build /app/config ./config

USER node

# HTTP (launcher, viewer, REST API) and the WebSocket signaling on the same port.
# WebRTC media uses ephemeral UDP ports: see compose.yaml and docs/deploy.md.
EXPOSE 8000

# No curl in the image: bash's /dev/tcp asks /health (a few ms of CPU, where starting node
# would cost ~50 ms every interval). PORT is read so a non-default port still checks the right
# socket; /health answers 503 until Chromium is up. Every 2 s, so a restarted renderer counts as
# healthy again as soon as Chromium is up (the engine runs the first check one interval after
# the start). compose.yaml uses this check as it is.
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8000} && printf 'GET /health HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && read -r -t 2 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]

ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "dist/renderer/main.js"]
