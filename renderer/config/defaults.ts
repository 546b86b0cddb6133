/**
 * Default values, each documented once here; the types live in schema.ts and the shipped
 * config/kiosk.yaml shows every key with a comment.
 */
import type { CaptureSetting } from "./schema.js";

export const DEFAULTS = {
  /** Shown in the launcher and the page title. */
  name: "Jiomosa",
  listen: {
    /** All interfaces: tablets on the LAN must reach the box. */
    host: "0.0.0.0",
    port: 8000,
    /**
     * DNS names tablets use for the box, besides its interface addresses, its hostname (and
     * hostname.local) and localhost. Requests naming any other Host get 421: a foreign web page
     * whose name was rebound to the box's address cannot use the API or the signaling.
     */
    hosts: [] as string[],
    /** Signaling WebSockets one client address may hold at once (a tablet uses one per open viewer). */
    maxSocketsPerClient: 16,
  },
  /** Extra URL patterns (with `*` wildcards) a session may open besides its kiosk origins. */
  allow: [] as string[],
  /** The page size of a session unless the tablet asks for its own size. */
  viewport: {
    width: 1280,
    height: 720,
    /** Mobile emulation (honours <meta name=viewport>); off keeps desktop layout at the tablet's size. */
    mobile: false,
  },
  video: {
    /** Upper bound of frames per second sent to a tablet (Chromium paints at most 60). */
    maxFps: 30,
    /** Upper bound of the VP8 bitrate; the congestion controller adapts below it. */
    maxBitrateKbps: 2500,
    /** JPEG quality of the captured frames (1-100) before they are re-encoded to VP8. */
    jpegQuality: 80,
    /**
     * beginframe: the page draws only the frames we ask for (Debian's chromium-headless-shell with
     * begin-frame control): frames at maxFps while the page moves, one at once after a tap, a cheap
     * probe while it stands still. screencast: Chromium sends frames when the page changes and
     * renders up to 60 a second whatever we use. auto: beginframe when the headless shell is
     * installed and passes a probe at start, else screencast. screenshot: poll screenshots like
     * the original design; only for comparison.
     */
    capture: "screencast" as CaptureSetting,
  },
  sessions: {
    /** Concurrent sessions (each is a browser page and a video encoder per viewer). */
    max: 8,
    /** A session with no viewer attached for this long is closed; a tablet may rejoin before. */
    idleTimeoutSeconds: 300,
    /** Viewers per session (each costs one encoder). */
    maxViewersPerSession: 4,
    /** Without input for this long the page returns to its kiosk URL (0: never). */
    resetAfterIdleSeconds: 0,
    /** With a reset, also forget cookies and storage (a shared kiosk: the next guest starts clean). */
    clearStorageOnReset: false,
    /** A page whose JavaScript heap grows past this (MiB) is reopened at its URL, so one leaking site cannot exhaust the box. */
    maxPageMemoryMB: 1024,
    /**
     * Sessions one client address may hold. A tablet opening another kiosk frees its previous,
     * unwatched session first, so normal use never meets this; it keeps one address from taking
     * every session.
     */
    maxPerClient: 2,
  },
  /** Extra STUN/TURN servers handed to the tablets and used by the renderer's peers. */
  iceServers: [] as { urls: string | string[]; username?: string; credential?: string }[],
  turn: {
    /** Hand tablets a TURN relay for networks where direct UDP fails (guest Wi-Fi, VLANs, VPNs). */
    enabled: true,
    /**
     * auto: run Debian's turnserver (coturn) alongside the renderer when it is installed (`npm start`);
     * never: an external coturn serves (the compose service); always: fail if it cannot be run.
     */
    spawn: "auto" as "auto" | "always" | "never",
    /** Empty: turn:{host}:{port}?transport=udp and …tcp, {host} being the address the tablet used. */
    urls: [] as string[],
    /** Shared with coturn (`static-auth-secret`); TURN_SECRET overrides. Empty + spawn: a per-run secret. */
    secret: "",
    /**
     * Lifetime of minted credentials. Every join (and so every reconnect) gets fresh ones; coturn
     * refuses to refresh an allocation once its credential expired, so a relayed tablet reconnects
     * at most once per this period.
     */
    ttlSeconds: 3600,
    realm: "jiomosa.local",
    /** Listening port of the spawned turnserver (UDP and TCP). */
    port: 3478,
    /** Relay ports of the spawned turnserver: open these (UDP) in the box's firewall. */
    relayPorts: { min: 49160, max: 49200 },
  },
  auth: {
    /** A PIN (6 or more characters) tablets enter once, or a ?token=PIN pairing link. Empty: an open LAN. */
    pin: "",
    /** Bearer token for listing/closing all sessions, revoking tokens and /metrics. Empty: those routes need only the PIN. */
    adminToken: "",
    /** A tablet's login token stays valid this long after its last use (sliding; 30 days). */
    tokenTtlSeconds: 30 * 86_400,
    /**
     * Where login tokens are kept (hashed) so a restart does not log tablets out; a relative path
     * is beside the config file. Empty: in memory only. A new PIN revokes every token.
     */
    tokenFile: "tablet-tokens.json",
  },
  /**
   * The launcher's free URL field: any public http(s) site may be opened. Private, loopback and
   * link-local addresses (and names resolving to them) stay closed unless an allow pattern names them.
   */
  allowCustomUrls: false,
  /** Other origins whose pages may use the API and signaling (CORS); never a wildcard. */
  allowedOrigins: [] as string[],
  ui: {
    /** The viewer's navigation bar (home, back, forward, reload, title); off for pure kiosks. */
    navigationBar: true,
  },
  chromium: {
    /** Debian's package; never a downloaded browser. */
    executablePath: "/usr/bin/chromium",
    /** Debian's chromium-headless-shell: the browser of `video.capture: beginframe` (and `auto`). */
    headlessShellPath: "/usr/bin/chromium-headless-shell",
    /** Extra command-line switches, appended to the built-in offline-safe set. */
    args: [] as string[],
    /**
     * Chromium's sandbox: auto (on; as root Chromium runs as the system user jiomosa-chromium;
     * only inside a container may it fall back to running without), required, or off.
     */
    sandbox: "auto" as "auto" | "required" | "off",
  },
  audio: {
    /**
     * Sound for kiosks that do not say `audio:` and for URLs opened from the launcher. A session
     * with sound has its own Chromium process and PulseAudio sink (≈ one more browser's memory),
     * so pages that never play sound are better left silent.
     */
    default: false,
  },
} as const;

/** File read when JIOMOSA_CONFIG is not set, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = "config/kiosk.yaml";
