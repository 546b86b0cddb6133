/**
 * Readers for the renderer's REST replies, the viewer's side of the boundary: nothing from a
 * reply is used before it is checked. Presentation-only keys (`ui`, a tile's `audio` badge, the
 * appliance name) fall back to defaults rather than failing the reply.
 */
import { readIceServer } from "./ice-server.js";
import type { CreateSessionReply, IceServersReply, InfoReply, KioskInfo, KiosksReply } from "./rest.js";
import { readViewport } from "./server-message-reader.js";
import { type Obj, optional, readArray, readBoolean, readEnum, readNumber, readObject, readString, required } from "./validate.js";

const text = (v: unknown, p: string) => readString(v, p);
const count = (v: unknown, p: string) => readNumber(v, p, { min: 0, integer: true });
const texts = (v: unknown, p: string) => readArray(v, p, text);

export function readCreateSessionReply(value: unknown): CreateSessionReply {
  const o = readObject(value, "reply");
  const reply: CreateSessionReply = {
    success: true,
    session_id: required(o, "session_id", "reply", (v, p) => readString(v, p, { minLength: 1 })),
    viewport: required(o, "viewport", "reply", readViewport),
    websocket_url: optional(o, "websocket_url", "reply", (v, p) => readString(v, p, { minLength: 1 })) ?? "",
    url: optional(o, "url", "reply", text) ?? "",
    message: optional(o, "message", "reply", text) ?? "",
  };
  const kiosk = optional(o, "kiosk", "reply", text);
  if (kiosk !== undefined) reply.kiosk = kiosk;
  const ui = o.ui;
  if (typeof ui === "object" && ui !== null && typeof (ui as Obj).navigationBar === "boolean") {
    reply.ui = { navigationBar: (ui as Obj).navigationBar as boolean };
  }
  return reply;
}

function readKiosk(value: unknown, path: string): KioskInfo {
  const o = readObject(value, path);
  const kiosk: KioskInfo = {
    id: required(o, "id", path, (v, p) => readString(v, p, { minLength: 1 })),
    title: required(o, "title", path, text),
    url: optional(o, "url", path, text) ?? "",
  };
  const icon = optional(o, "icon", path, text);
  if (icon) kiosk.icon = icon;
  if (o.audio === true) kiosk.audio = true;
  return kiosk;
}

export function readKiosksReply(value: unknown): KiosksReply {
  const o = readObject(value, "reply");
  const reply: KiosksReply = { success: true, kiosks: required(o, "kiosks", "reply", (v, p) => readArray(v, p, readKiosk)) };
  if (typeof o.name === "string" && o.name) reply.name = o.name.slice(0, 60);
  if (o.allowCustomUrls === true) reply.allowCustomUrls = true;
  return reply;
}

export function readIceServersReply(value: unknown): IceServersReply {
  const o = readObject(value, "reply");
  const turn = required(o, "turn", "reply", readObject);
  return {
    success: true,
    iceServers: optional(o, "iceServers", "reply", (v, p) => readArray(v, p, readIceServer)) ?? [],
    turn: {
      enabled: required(turn, "enabled", "reply.turn", readBoolean),
      urls: optional(turn, "urls", "reply.turn", texts) ?? [],
    },
  };
}

function readInfoAudio(value: unknown, path: string): InfoReply["webrtc"]["audio"] {
  const o = readObject(value, path);
  const audio: InfoReply["webrtc"]["audio"] = {
    codec: required(o, "codec", path, (v, p) => readEnum(v, p, ["opus"] as const)),
    enabled: required(o, "enabled", path, readBoolean),
    sample_rate: required(o, "sample_rate", path, count),
    channels: required(o, "channels", path, count),
    sampleRate: required(o, "sampleRate", path, count),
    available: required(o, "available", path, readBoolean),
    sessions: required(o, "sessions", path, count),
    sinks: required(o, "sinks", path, count),
    captures: required(o, "captures", path, count),
    browsers: required(o, "browsers", path, count),
  };
  const reason = optional(o, "reason", path, text);
  if (reason !== undefined) audio.reason = reason;
  return audio;
}

function readInfoVideo(value: unknown, path: string): InfoReply["webrtc"]["video"] {
  const o = readObject(value, path);
  return {
    codec: required(o, "codec", path, (v, p) => readEnum(v, p, ["VP8"] as const)),
    resolution: required(o, "resolution", path, text),
    framerate: required(o, "framerate", path, (v, p) => readNumber(v, p, { min: 0 })),
    bitrate_range: required(o, "bitrate_range", path, text),
    maxBitrateKbps: required(o, "maxBitrateKbps", path, (v, p) => readNumber(v, p, { min: 0 })),
    capture: required(o, "capture", path, text),
  };
}

function readEndpoints(value: unknown, path: string): Record<string, string> {
  const o = readObject(value, path);
  const endpoints: Record<string, string> = {};
  for (const key of Object.keys(o)) endpoints[key] = required(o, key, path, text);
  return endpoints;
}

export function readInfoReply(value: unknown): InfoReply {
  const o = readObject(value, "reply");
  const webrtc = required(o, "webrtc", "reply", readObject);
  const browser = required(o, "browser", "reply", readObject);
  const connections = required(o, "connections", "reply", readObject);
  const sessions = required(o, "sessions", "reply", readObject);
  return {
    name: required(o, "name", "reply", text),
    version: required(o, "version", "reply", text),
    webrtc: {
      video: required(webrtc, "video", "reply.webrtc", readInfoVideo),
      audio: required(webrtc, "audio", "reply.webrtc", readInfoAudio),
    },
    browser: {
      connected: required(browser, "connected", "reply.browser", readBoolean),
      active_sessions: required(browser, "active_sessions", "reply.browser", count),
      max_sessions: required(browser, "max_sessions", "reply.browser", count),
      sessions: required(browser, "sessions", "reply.browser", texts),
    },
    connections: {
      active_connections: required(connections, "active_connections", "reply.connections", count),
      sessions_with_viewers: required(connections, "sessions_with_viewers", "reply.connections", count),
      max_viewers_per_session: required(connections, "max_viewers_per_session", "reply.connections", count),
    },
    sessions: { active: required(sessions, "active", "reply.sessions", count), max: required(sessions, "max", "reply.sessions", count) },
    endpoints: required(o, "endpoints", "reply", readEndpoints),
  };
}

/**
 * The human message of a failed HTTP reply: `{error:{code,message}}` (ours), `{detail}` (the
 * original design's), or the status line.
 */
export function errorMessageOf(body: unknown, status: number, statusText = ""): string {
  if (typeof body === "object" && body !== null) {
    const o = body as Obj;
    const error = o.error;
    if (typeof error === "object" && error !== null && typeof (error as Obj).message === "string") return (error as Obj).message as string;
    if (typeof o.detail === "string") return o.detail;
    if (typeof error === "string") return error;
  }
  return `The server answered ${status}${statusText ? ` ${statusText}` : ""}.`;
}
