/**
 * What a new session is made with: the create request read against the kiosk catalog and the
 * config (which page, which id, which size), and the settings every session takes from the
 * config, in the units a session counts in.
 */
import { randomBytes } from "node:crypto";
import type { CreateSessionBody, Viewport } from "../../protocol/index.js";
import type { Config } from "../config/schema.js";
import type { LinkTuning } from "../webrtc/link-tuning.js";
import type { KioskCatalog, SessionStart } from "./kiosk-catalog.js";
import { evenSide, type SessionOptions } from "./session-options.js";

/** Bytes of random in a session id the renderer picks: not guessable, short in a URL. */
const SESSION_ID_BYTES = 12;

export interface SessionPlan extends SessionStart {
  id: string;
  viewport: Viewport;
}

export type SessionSettings = Pick<
  SessionOptions,
  | "jpegQuality"
  | "maxFps"
  | "tailProbeMs"
  | "captureMethod"
  | "idleTimeoutMs"
  | "resetAfterIdleMs"
  | "clearStorageOnReset"
  | "maxPageMemoryBytes"
>;

/**
 * The request's page (kiosk, custom URL, or the first kiosk), its id (the client's, or a fresh
 * random one) and its viewport (the device's size, or the configured one), made even for I420.
 */
export function planSession(body: CreateSessionBody, kiosks: Pick<KioskCatalog, "startOf">, defaults: Config["viewport"]): SessionPlan {
  return {
    ...kiosks.startOf(body),
    id: body.session_id ?? randomBytes(SESSION_ID_BYTES).toString("base64url"),
    viewport: {
      width: evenSide(body.width ?? defaults.width),
      height: evenSide(body.height ?? defaults.height),
    },
  };
}

/** The same for every session of this config. */
export function sessionSettings(config: Pick<Config, "video" | "sessions">, linkTuning?: LinkTuning): SessionSettings {
  return {
    jpegQuality: config.video.jpegQuality,
    maxFps: config.video.maxFps,
    ...(linkTuning ? { tailProbeMs: linkTuning.tailProbeMs } : {}),
    captureMethod: config.video.capture,
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
    resetAfterIdleMs: config.sessions.resetAfterIdleSeconds * 1000,
    clearStorageOnReset: config.sessions.clearStorageOnReset,
    maxPageMemoryBytes: config.sessions.maxPageMemoryMB * 2 ** 20,
  };
}
