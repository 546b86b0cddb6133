/**
 * Readers for what the renderer sends to the viewer (REST replies, signaling messages,
 * DataChannel replies). The protocol module validates the other direction; these apply the
 * same rule on the viewer's side of the boundary: nothing is used before it is checked.
 */
import {
  type CreateSessionReply,
  type IceCandidateInit,
  type IceServer,
  type KioskInfo,
  type KiosksReply,
  type OfferMessage,
  type PongMessage,
  type ServerIceMessage,
  type Viewport,
  optional,
  readArray,
  readEnum,
  readNumber,
  readObject,
  readString,
  required,
  ValidationError,
} from "../../../protocol/index.js";

/** An error reply on the signaling socket. `code` is kept open so a newer renderer's codes still show their message. */
export interface ServerErrorMessage {
  type: "error";
  code: string;
  message: string;
}

/** `ready` as the viewer reads it: the original design's server omits `session_id`. */
export interface ServerReadyMessage {
  type: "ready";
  message: string;
  session_id?: string;
}

export type InboundSignal = OfferMessage | ServerIceMessage | ServerReadyMessage | PongMessage | ServerErrorMessage;
export type InboundSignalType = InboundSignal["type"];

const readViewport = (v: unknown, p: string): Viewport => {
  const o = readObject(v, p);
  return {
    width: required(o, "width", p, (w, wp) => readNumber(w, wp, { min: 1 })),
    height: required(o, "height", p, (h, hp) => readNumber(h, hp, { min: 1 })),
  };
};

const readIceServer = (v: unknown, p: string): IceServer => {
  const o = readObject(v, p);
  const urls = o.urls;
  const server: IceServer = {
    urls: Array.isArray(urls) ? readArray(urls, `${p}.urls`, (u, up) => readString(u, up)) : required(o, "urls", p, (u, up) => readString(u, up)),
  };
  const username = optional(o, "username", p, (u, up) => readString(u, up));
  const credential = optional(o, "credential", p, (c, cp) => readString(c, cp));
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
};

const readCandidate = (v: unknown, p: string): IceCandidateInit => {
  const o = readObject(v, p);
  return {
    candidate: required(o, "candidate", p, (c, cp) => readString(c, cp)),
    sdpMid: optional(o, "sdpMid", p, (m, mp) => readString(m, mp)) ?? null,
    sdpMLineIndex: optional(o, "sdpMLineIndex", p, (i, ip) => readNumber(i, ip, { min: 0, integer: true })) ?? null,
  };
};

const signalReaders: { [K in InboundSignalType]: (o: Record<string, unknown>) => Extract<InboundSignal, { type: K }> } = {
  offer: (o) => {
    const offer = required(o, "offer", "", readObject);
    required(offer, "type", "offer", (v, p) => readEnum(v, p, ["offer"] as const));
    const message: OfferMessage = {
      type: "offer",
      offer: { type: "offer", sdp: required(offer, "sdp", "offer", (v, p) => readString(v, p, { minLength: 1 })) },
    };
    const iceServers = optional(o, "iceServers", "", (v, p) => readArray(v, p, readIceServer));
    const viewport = optional(o, "viewport", "", readViewport);
    if (iceServers) message.iceServers = iceServers;
    if (viewport) message.viewport = viewport;
    return message;
  },
  "ice-candidate": (o) => ({ type: "ice-candidate", candidate: required(o, "candidate", "", readCandidate) }),
  ready: (o) => {
    const ready: ServerReadyMessage = { type: "ready", message: optional(o, "message", "", (v, p) => readString(v, p)) ?? "" };
    const sessionId = optional(o, "session_id", "", (v, p) => readString(v, p));
    if (sessionId !== undefined) ready.session_id = sessionId;
    return ready;
  },
  pong: () => ({ type: "pong" }),
  error: (o) => ({
    type: "error",
    code: optional(o, "code", "", (v, p) => readString(v, p)) ?? "internal",
    message: optional(o, "message", "", (v, p) => readString(v, p)) ?? "The server reported an error.",
  }),
};

const SIGNAL_TYPES = Object.keys(signalReaders) as InboundSignalType[];

/** Reads one signaling message; throws ValidationError (with a path) for anything else. */
export function readInboundSignal(value: unknown): InboundSignal {
  const o = readObject(value, "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, SIGNAL_TYPES));
  return signalReaders[type](o);
}

export function readCreateSessionReply(value: unknown): CreateSessionReply {
  const o = readObject(value, "reply");
  const reply: CreateSessionReply = {
    success: true,
    session_id: required(o, "session_id", "reply", (v, p) => readString(v, p, { minLength: 1 })),
    viewport: required(o, "viewport", "reply", readViewport),
    websocket_url: optional(o, "websocket_url", "reply", (v, p) => readString(v, p, { minLength: 1 })) ?? "",
    url: optional(o, "url", "reply", (v, p) => readString(v, p)) ?? "",
    message: optional(o, "message", "reply", (v, p) => readString(v, p)) ?? "",
  };
  const kiosk = optional(o, "kiosk", "reply", (v, p) => readString(v, p));
  if (kiosk !== undefined) reply.kiosk = kiosk;
  // Presentation only: a malformed `ui` falls back to the defaults rather than failing the session.
  const ui = o.ui;
  if (typeof ui === "object" && ui !== null && typeof (ui as Record<string, unknown>).navigationBar === "boolean") {
    reply.ui = { navigationBar: (ui as Record<string, unknown>).navigationBar as boolean };
  }
  return reply;
}

const readKiosk = (v: unknown, p: string): KioskInfo => {
  const o = readObject(v, p);
  const kiosk: KioskInfo = {
    id: required(o, "id", p, (x, xp) => readString(x, xp, { minLength: 1 })),
    title: required(o, "title", p, (x, xp) => readString(x, xp)),
    url: optional(o, "url", p, (x, xp) => readString(x, xp)) ?? "",
  };
  const icon = optional(o, "icon", p, (x, xp) => readString(x, xp));
  if (icon) kiosk.icon = icon;
  // Presentation only (a badge on the tile): anything but `true` means no sound.
  if (o.audio === true) kiosk.audio = true;
  return kiosk;
};

export function readKiosksReply(value: unknown): KiosksReply {
  const o = readObject(value, "reply");
  const reply: KiosksReply = { success: true, kiosks: required(o, "kiosks", "reply", (v, p) => readArray(v, p, readKiosk)) };
  if (typeof o.name === "string" && o.name) reply.name = o.name.slice(0, 60);
  if (o.allowCustomUrls === true) reply.allowCustomUrls = true;
  return reply;
}

/**
 * The human message of a failed HTTP reply: `{error:{code,message}}` (ours), `{detail}` (the
 * original design's), or the status line.
 */
export function errorMessageOf(body: unknown, status: number, statusText = ""): string {
  if (typeof body === "object" && body !== null) {
    const o = body as Record<string, unknown>;
    const error = o.error;
    if (typeof error === "object" && error !== null && typeof (error as Record<string, unknown>).message === "string") {
      return (error as Record<string, unknown>).message as string;
    }
    if (typeof o.detail === "string") return o.detail;
    if (typeof error === "string") return error;
  }
  return `The server answered ${status}${statusText ? ` ${statusText}` : ""}.`;
}

/** Text of any thrown value, for status messages. */
export function describeError(err: unknown): string {
  if (err instanceof ValidationError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
