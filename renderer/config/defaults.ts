/**
 * Default values, each documented once here; the types live in schema.ts and the shipped
 * config/kiosk.yaml shows every key with a comment.
 */
export const DEFAULTS = {
  /** Shown in the launcher and the page title. */
  name: "Jiomosa",
  listen: {
    /** All interfaces: tablets on the LAN must reach the box. */
    host: "0.0.0.0",
    port: 8000,
  },
  /** Extra URL patterns (with `*` wildcards) a session may open besides its kiosk origins. */
  allow: [] as string[],
  /** The page size of a session unless the tablet asks for its own size. */
  viewport: { width: 1280, height: 720 },
  video: {
    /** Upper bound of frames per second sent to a tablet (Chromium paints at most 60). */
    maxFps: 30,
    /** Upper bound of the VP8 bitrate; the congestion controller adapts below it. */
    maxBitrateKbps: 2500,
    /** JPEG quality of the captured frames (1-100) before they are re-encoded to VP8. */
    jpegQuality: 80,
  },
  sessions: {
    /** Concurrent sessions (each is a browser page and a video encoder per viewer). */
    max: 8,
    /** A session with no viewer attached for this long is closed; a tablet may rejoin before. */
    idleTimeoutSeconds: 300,
    /** Viewers per session (each costs one encoder). */
    maxViewersPerSession: 4,
  },
  /** Extra STUN/TURN servers handed to the tablets and used by the renderer's peers. */
  iceServers: [] as { urls: string | string[]; username?: string; credential?: string }[],
  chromium: {
    /** Debian's package; never a downloaded browser. */
    executablePath: "/usr/bin/chromium",
    /** Extra command-line switches, appended to the built-in offline-safe set. */
    args: [] as string[],
  },
} as const;

/** File read when JIOMOSA_CONFIG is not set, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = "config/kiosk.yaml";
