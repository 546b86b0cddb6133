/** REST bodies and replies shared by the renderer and the viewer. */
import { SESSION_ID_PATTERN, type IceServer, type Viewport } from "./signaling.js";
import { optional, readNumber, readObject, readString, required } from "./validate.js";

export const KIOSK_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
export const MIN_VIEWPORT = 200;
export const MAX_VIEWPORT = 3840;
const MAX_URL_LENGTH = 2048;

export interface KioskInfo {
  id: string;
  title: string;
  url: string;
  icon?: string;
  /** The kiosk's page sound reaches the tablet (config `audio`). */
  audio?: boolean;
}

export interface KiosksReply {
  success: true;
  kiosks: KioskInfo[];
  /** The appliance's name (config `name`). */
  name?: string;
  /** The launcher offers a free URL field (config `allowCustomUrls`). */
  allowCustomUrls?: boolean;
}

export interface CreateSessionBody {
  session_id?: string;
  width?: number;
  height?: number;
  kiosk?: string;
  url?: string;
}

export interface CreateSessionReply {
  success: true;
  session_id: string;
  viewport: Viewport;
  websocket_url: string;
  url: string;
  kiosk?: string;
  /** How the viewer presents the session (from config `ui`). */
  ui?: { navigationBar: boolean };
  message: string;
}

export interface LoadBody {
  url: string;
}

export interface SessionSummary {
  session_id: string;
  kiosk?: string;
  url: string;
  viewport: Viewport;
  viewers: number;
  /** The session sends sound (its own sink and browser are running). */
  audio?: boolean;
  created_at: string;
  last_active_at: string;
}

/** `GET /api/sessions`: the original design's shape (ids only); detail is `GET /api/admin/sessions`. */
export interface SessionsReply {
  success: true;
  sessions: { active_sessions: number; max_sessions: number; sessions: string[] };
}

/** `GET /api/admin/sessions`: every session's summary (launcher, operators, tests). */
export interface AdminSessionsReply {
  success: true;
  sessions: SessionSummary[];
}

/** `GET /api/info`: the original design's keys plus ours beside them. */
export interface InfoReply {
  name: string;
  version: string;
  webrtc: {
    video: { codec: "VP8"; resolution: string; framerate: number; bitrate_range: string; maxBitrateKbps: number; capture: string };
    audio: {
      codec: "opus";
      /** The original's keys: sound is available to sessions that want it. */
      enabled: boolean;
      sample_rate: number;
      channels: number;
      sampleRate: number;
      available: boolean;
      reason?: string;
      sessions: number;
      sinks: number;
      captures: number;
      browsers: number;
    };
  };
  /** The original's browser-pool stats. */
  browser: { connected: boolean; active_sessions: number; max_sessions: number; sessions: string[] };
  /** The original's peer-connection stats: viewers connected now, over all sessions. */
  connections: { active_connections: number; sessions_with_viewers: number; max_viewers_per_session: number };
  sessions: { active: number; max: number };
  endpoints: Record<string, string>;
}

/** `GET /api/ice-servers`: fresh ICE servers (TURN credentials minted) and the TURN URLs, for diagnostics. */
export interface IceServersReply {
  success: true;
  iceServers: IceServer[];
  turn: { enabled: boolean; urls: string[] };
}

export interface ErrorReply {
  error: { code: string; message: string };
  /** The original design's clients read `detail`; kept alongside the structured error. */
  detail: string;
}

export type { IceServer, Viewport };

const readViewportSide = (v: unknown, p: string) => readNumber(v, p, { min: MIN_VIEWPORT, max: MAX_VIEWPORT, integer: false });
const readUrl = (v: unknown, p: string) => readString(v, p, { minLength: 1, maxLength: MAX_URL_LENGTH });

export function readCreateSessionBody(value: unknown): CreateSessionBody {
  const o = value === undefined || value === null ? {} : readObject(value, "body");
  const body: CreateSessionBody = {
    session_id: optional(o, "session_id", "", (v, p) =>
      readString(v, p, { pattern: SESSION_ID_PATTERN, patternHint: "expected 1-64 letters, digits, '-' or '_'" }),
    ),
    width: optional(o, "width", "", readViewportSide),
    height: optional(o, "height", "", readViewportSide),
    kiosk: optional(o, "kiosk", "", (v, p) =>
      readString(v, p, { pattern: KIOSK_ID_PATTERN, patternHint: "expected a kiosk id ([a-z0-9-]+)" }),
    ),
    url: optional(o, "url", "", readUrl),
  };
  for (const key of Object.keys(body) as (keyof CreateSessionBody)[]) if (body[key] === undefined) delete body[key];
  return body;
}

export function readLoadBody(value: unknown): LoadBody {
  const o = readObject(value, "body");
  return { url: required(o, "url", "", readUrl) };
}
