/** Config types and the validator that turns parsed YAML into a Config with path-precise errors. */
import { isIP } from "node:net";
import {
  type Obj,
  KIOSK_ID_PATTERN,
  MAX_VIEWPORT,
  MIN_VIEWPORT,
  ValidationError,
  optional,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  rejectUnknownKeys,
  required,
  readIceServer,
  type IceServer,
} from "../../protocol/index.js";
import { DEFAULTS } from "./defaults.js";
import { parseUrlPattern, UrlPatternError } from "./url-pattern.js";

export interface KioskConfig {
  id: string;
  title: string;
  /** Absolute http(s) URL, or a path such as `/pages/welcome.html` served by the renderer itself. */
  url: string;
  icon?: string;
  /** The page's sound reaches the tablet; unset: `audio.default`. */
  audio?: boolean;
}

/** How a session's picture is captured (see DEFAULTS.video.capture). */
export const CAPTURE_METHODS = ["beginframe", "screencast", "screenshot"] as const;
export type CaptureMethod = (typeof CAPTURE_METHODS)[number];
/** What the config may say: a method, or `auto` (decided once at start by probing the browser). */
export type CaptureSetting = "auto" | CaptureMethod;

export interface Config {
  name: string;
  listen: { host: string; port: number; hosts: string[]; maxSocketsPerClient: number };
  kiosks: KioskConfig[];
  allow: string[];
  viewport: { width: number; height: number; mobile: boolean };
  video: { maxFps: number; maxBitrateKbps: number; jpegQuality: number; capture: CaptureSetting };
  sessions: {
    max: number;
    idleTimeoutSeconds: number;
    maxViewersPerSession: number;
    resetAfterIdleSeconds: number;
    clearStorageOnReset: boolean;
    maxPageMemoryMB: number;
    maxPerClient: number;
  };
  iceServers: IceServer[];
  turn: TurnConfig;
  ui: { navigationBar: boolean };
  auth: { pin: string; adminToken: string; tokenTtlSeconds: number; tokenFile: string };
  allowedOrigins: string[];
  allowCustomUrls: boolean;
  chromium: { executablePath: string; headlessShellPath: string; args: string[]; sandbox: "auto" | "required" | "off" };
  audio: { default: boolean };
}

export interface TurnConfig {
  enabled: boolean;
  spawn: "auto" | "always" | "never";
  urls: string[];
  secret: string;
  ttlSeconds: number;
  realm: string;
  port: number;
  relayPorts: { min: number; max: number };
}

const TOP_KEYS = [
  "name",
  "listen",
  "kiosks",
  "allow",
  "viewport",
  "video",
  "sessions",
  "iceServers",
  "turn",
  "ui",
  "auth",
  "allowedOrigins",
  "allowCustomUrls",
  "chromium",
  "audio",
] as const;
const TURN_KEYS = ["enabled", "spawn", "urls", "secret", "ttlSeconds", "realm", "port", "relayPorts"] as const;

/** Reads an optional nested section, rejecting unknown keys so typos are reported, not ignored. */
function section(root: Obj, key: string, known: readonly string[]): Obj {
  const value = root[key];
  if (value === undefined || value === null) return {};
  const obj = readObject(value, key);
  rejectUnknownKeys(obj, known, key);
  return obj;
}

const int = (min: number, max: number) => (v: unknown, p: string) => readNumber(v, p, { min, max, integer: true });

function readHttpUrl(value: unknown, path: string): string {
  const text = readString(value, path, { minLength: 1, maxLength: 2048 });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(path, `expected an http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValidationError(path, `expected an http(s) URL, got ${JSON.stringify(text)}`);
  }
  return url.href;
}

function readKioskUrl(value: unknown, path: string): string {
  if (typeof value === "string" && value.startsWith("/") && !value.startsWith("//")) return value;
  return readHttpUrl(value, path);
}

function readKiosk(value: unknown, path: string): KioskConfig {
  const o = readObject(value, path);
  rejectUnknownKeys(o, ["id", "title", "url", "icon", "audio"], path);
  const kiosk: KioskConfig = {
    id: required(o, "id", path, (v, p) =>
      readString(v, p, { pattern: KIOSK_ID_PATTERN, patternHint: "expected lowercase letters, digits and '-' ([a-z0-9-]+)" }),
    ),
    title: required(o, "title", path, (v, p) => readString(v, p, { minLength: 1, maxLength: 80 })),
    url: required(o, "url", path, readKioskUrl),
  };
  const icon = optional(o, "icon", path, (v, p) => readString(v, p, { minLength: 1, maxLength: 2048 }));
  if (icon !== undefined) kiosk.icon = icon;
  const audio = optional(o, "audio", path, readBoolean);
  if (audio !== undefined) kiosk.audio = audio;
  return kiosk;
}

function readAllowPattern(value: unknown, path: string): string {
  const text = readString(value, path, { minLength: 1, maxLength: 2048 });
  try {
    parseUrlPattern(text);
  } catch (err) {
    if (err instanceof UrlPatternError) throw new ValidationError(path, err.message);
    throw err;
  }
  return text;
}

const readTurnUrl = (v: unknown, p: string) =>
  readString(v, p, {
    pattern: /^turns?:(\{host\}|[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(:\d+)?(\?transport=(udp|tcp))?$/,
    patternHint: "expected turn:HOST[:PORT][?transport=udp|tcp] ({host} stands for the address the tablet used)",
  });

function readTurn(turn: Obj): TurnConfig {
  const d = DEFAULTS.turn;
  const relay = turn.relayPorts === undefined || turn.relayPorts === null ? {} : readObject(turn.relayPorts, "turn.relayPorts");
  rejectUnknownKeys(relay, ["min", "max"], "turn.relayPorts");
  const relayPorts = {
    min: optional(relay, "min", "turn.relayPorts", int(1024, 65535)) ?? d.relayPorts.min,
    max: optional(relay, "max", "turn.relayPorts", int(1024, 65535)) ?? d.relayPorts.max,
  };
  if (relayPorts.max < relayPorts.min)
    throw new ValidationError("turn.relayPorts.max", `must be at least turn.relayPorts.min (${relayPorts.min})`);
  return {
    enabled: optional(turn, "enabled", "turn", readBoolean) ?? d.enabled,
    spawn: optional(turn, "spawn", "turn", (v, p) => readEnum(v, p, ["auto", "always", "never"] as const)) ?? d.spawn,
    urls: optional(turn, "urls", "turn", (v, p) => readArray(v, p, readTurnUrl, 8)) ?? [],
    secret: optional(turn, "secret", "turn", (v, p) => readString(v, p, { maxLength: 256 })) ?? d.secret,
    ttlSeconds: optional(turn, "ttlSeconds", "turn", int(60, 7 * 24 * 3600)) ?? d.ttlSeconds,
    realm:
      optional(turn, "realm", "turn", (v, p) =>
        readString(v, p, { minLength: 1, maxLength: 128, pattern: /^[A-Za-z0-9.-]+$/, patternHint: "expected a domain-like name" }),
      ) ?? d.realm,
    port: optional(turn, "port", "turn", int(1, 65535)) ?? d.port,
    relayPorts,
  };
}

function readOrigin(value: unknown, path: string): string {
  const text = readHttpUrl(value, path);
  const url = new URL(text);
  if (url.pathname !== "/" || url.search || url.hash)
    throw new ValidationError(path, `expected an origin such as http://10.0.0.5:9000, got ${JSON.stringify(value)}`);
  return url.origin;
}

/** The tablet PIN: short PINs fall to guessing even behind a rate limit. `path` names its source. */
export function readPin(value: unknown, path: string): string {
  return readString(value, path, {
    maxLength: 128,
    pattern: /^(|[^\s]{6,128})$/,
    patternHint: "expected at least 6 characters without spaces (or empty for no PIN)",
  });
}

/** The admin token: long enough that guessing it is hopeless. */
export function readAdminToken(value: unknown, path: string): string {
  return readString(value, path, {
    maxLength: 256,
    pattern: /^(|[^\s]{16,256})$/,
    patternHint: "expected at least 16 characters without spaces (or empty)",
  });
}

/** A DNS name (or an IP address) tablets use to reach the box, for the Host allowlist. */
function readHostName(value: unknown, path: string): string {
  const text = readString(value, path, { minLength: 1, maxLength: 253 }).toLowerCase().replace(/\.$/, "");
  const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  if (new RegExp(`^${label}(?:\\.${label})*$`).test(text) || isIP(text) !== 0) return text;
  throw new ValidationError(path, `expected a host name such as kiosk.example.lan (no scheme, port or path), got ${JSON.stringify(value)}`);
}

/** Validates a parsed YAML document. Throws ValidationError naming the path of the first problem. */
export function readConfig(doc: unknown): Config {
  const root = doc === undefined || doc === null ? {} : readObject(doc, "(top level)");
  rejectUnknownKeys(root, TOP_KEYS, "");

  const listen = section(root, "listen", ["host", "port", "hosts", "maxSocketsPerClient"]);
  const viewport = section(root, "viewport", ["width", "height", "mobile"]);
  const video = section(root, "video", ["maxFps", "maxBitrateKbps", "jpegQuality", "capture"]);
  const sessions = section(root, "sessions", [
    "max",
    "idleTimeoutSeconds",
    "maxViewersPerSession",
    "resetAfterIdleSeconds",
    "clearStorageOnReset",
    "maxPageMemoryMB",
    "maxPerClient",
  ]);
  const chromium = section(root, "chromium", ["executablePath", "headlessShellPath", "args", "sandbox"]);
  const turn = section(root, "turn", TURN_KEYS);
  const ui = section(root, "ui", ["navigationBar"]);
  const auth = section(root, "auth", ["pin", "adminToken", "tokenTtlSeconds", "tokenFile"]);
  const audio = section(root, "audio", ["default"]);

  const kiosks = required(root, "kiosks", "", (v, p) => readArray(v, p, readKiosk));
  if (kiosks.length === 0) throw new ValidationError("kiosks", "must list at least one kiosk");
  const seen = new Map<string, number>();
  kiosks.forEach((kiosk, i) => {
    const first = seen.get(kiosk.id);
    if (first !== undefined)
      throw new ValidationError(`kiosks[${i}].id`, `duplicate id ${JSON.stringify(kiosk.id)} (also kiosks[${first}].id)`);
    seen.set(kiosk.id, i);
  });

  return {
    name: optional(root, "name", "", (v, p) => readString(v, p, { minLength: 1, maxLength: 60 })) ?? DEFAULTS.name,
    listen: {
      host: optional(listen, "host", "listen", (v, p) => readString(v, p, { minLength: 1 })) ?? DEFAULTS.listen.host,
      port: optional(listen, "port", "listen", int(0, 65535)) ?? DEFAULTS.listen.port,
      hosts: optional(listen, "hosts", "listen", (v, p) => readArray(v, p, readHostName)) ?? [...DEFAULTS.listen.hosts],
      maxSocketsPerClient: optional(listen, "maxSocketsPerClient", "listen", int(1, 1000)) ?? DEFAULTS.listen.maxSocketsPerClient,
    },
    kiosks,
    allow: optional(root, "allow", "", (v, p) => readArray(v, p, readAllowPattern)) ?? [...DEFAULTS.allow],
    viewport: {
      width: optional(viewport, "width", "viewport", int(MIN_VIEWPORT, MAX_VIEWPORT)) ?? DEFAULTS.viewport.width,
      height: optional(viewport, "height", "viewport", int(MIN_VIEWPORT, MAX_VIEWPORT)) ?? DEFAULTS.viewport.height,
      mobile: optional(viewport, "mobile", "viewport", readBoolean) ?? DEFAULTS.viewport.mobile,
    },
    video: {
      maxFps: optional(video, "maxFps", "video", int(1, 60)) ?? DEFAULTS.video.maxFps,
      maxBitrateKbps: optional(video, "maxBitrateKbps", "video", int(100, 50_000)) ?? DEFAULTS.video.maxBitrateKbps,
      jpegQuality: optional(video, "jpegQuality", "video", int(1, 100)) ?? DEFAULTS.video.jpegQuality,
      capture:
        optional(video, "capture", "video", (v, p) => readEnum(v, p, ["auto", ...CAPTURE_METHODS] as const)) ?? DEFAULTS.video.capture,
    },
    sessions: {
      max: optional(sessions, "max", "sessions", int(1, 64)) ?? DEFAULTS.sessions.max,
      idleTimeoutSeconds:
        optional(sessions, "idleTimeoutSeconds", "sessions", int(1, 7 * 24 * 3600)) ?? DEFAULTS.sessions.idleTimeoutSeconds,
      maxViewersPerSession: optional(sessions, "maxViewersPerSession", "sessions", int(1, 16)) ?? DEFAULTS.sessions.maxViewersPerSession,
      resetAfterIdleSeconds:
        optional(sessions, "resetAfterIdleSeconds", "sessions", int(0, 7 * 24 * 3600)) ?? DEFAULTS.sessions.resetAfterIdleSeconds,
      clearStorageOnReset: optional(sessions, "clearStorageOnReset", "sessions", readBoolean) ?? DEFAULTS.sessions.clearStorageOnReset,
      maxPageMemoryMB: optional(sessions, "maxPageMemoryMB", "sessions", int(64, 65536)) ?? DEFAULTS.sessions.maxPageMemoryMB,
      maxPerClient: optional(sessions, "maxPerClient", "sessions", int(1, 64)) ?? DEFAULTS.sessions.maxPerClient,
    },
    iceServers: optional(root, "iceServers", "", (v, p) => readArray(v, p, readIceServer)) ?? [],
    turn: readTurn(turn),
    ui: { navigationBar: optional(ui, "navigationBar", "ui", readBoolean) ?? DEFAULTS.ui.navigationBar },
    auth: {
      pin: optional(auth, "pin", "auth", (v, p) => readPin(String(v), p)) ?? "",
      adminToken: optional(auth, "adminToken", "auth", readAdminToken) ?? "",
      tokenTtlSeconds: optional(auth, "tokenTtlSeconds", "auth", int(5, 10 * 365 * 86_400)) ?? DEFAULTS.auth.tokenTtlSeconds,
      tokenFile: optional(auth, "tokenFile", "auth", (v, p) => readString(v, p, { maxLength: 4096 })) ?? DEFAULTS.auth.tokenFile,
    },
    allowedOrigins: optional(root, "allowedOrigins", "", (v, p) => readArray(v, p, readOrigin)) ?? [],
    allowCustomUrls: optional(root, "allowCustomUrls", "", readBoolean) ?? DEFAULTS.allowCustomUrls,
    chromium: {
      executablePath:
        optional(chromium, "executablePath", "chromium", (v, p) => readString(v, p, { minLength: 1 })) ?? DEFAULTS.chromium.executablePath,
      headlessShellPath:
        optional(chromium, "headlessShellPath", "chromium", (v, p) => readString(v, p, { minLength: 1 })) ??
        DEFAULTS.chromium.headlessShellPath,
      args:
        optional(chromium, "args", "chromium", (v, p) =>
          readArray(v, p, (a, ap) => readString(a, ap, { pattern: /^--/, patternHint: "expected a switch starting with --" })),
        ) ?? [],
      sandbox:
        optional(chromium, "sandbox", "chromium", (v, p) => readEnum(v, p, ["auto", "required", "off"] as const)) ??
        DEFAULTS.chromium.sandbox,
    },
    audio: { default: optional(audio, "default", "audio", readBoolean) ?? DEFAULTS.audio.default },
  };
}
