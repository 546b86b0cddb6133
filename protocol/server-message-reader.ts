/**
 * Reader for what the renderer sends on `/ws/signaling` (offer, ice-candidate, ready, pong,
 * error): the viewer's side of the boundary, so nothing from the wire is used before it is checked.
 */
import { readIceServer } from "./ice-server.js";
import type { ErrorCode, IceCandidateInit, OfferMessage, ServerMessage, Viewport } from "./signaling.js";
import { type Obj, optional, readArray, readEnum, readNumber, readObject, readString, required } from "./validate.js";

export type ServerMessageType = ServerMessage["type"];

/** Every signaling error code; a Record so that a code added to ErrorCode must be added here too. */
export const SIGNALING_ERROR_CODES: Readonly<Record<ErrorCode, true>> = {
  invalid_message: true,
  unknown_session: true,
  not_joined: true,
  already_joined: true,
  too_many_viewers: true,
  negotiation_failed: true,
  session_closed: true,
  answer_timeout: true,
  rate_limited: true,
  internal: true,
};
const ERROR_CODE_LIST = Object.keys(SIGNALING_ERROR_CODES) as ErrorCode[];

export function readViewport(value: unknown, path: string): Viewport {
  const o = readObject(value, path);
  return {
    width: required(o, "width", path, (v, p) => readNumber(v, p, { min: 1 })),
    height: required(o, "height", path, (v, p) => readNumber(v, p, { min: 1 })),
  };
}

function readServerCandidate(value: unknown, path: string): IceCandidateInit {
  const o = readObject(value, path);
  const candidate: IceCandidateInit = {
    candidate: required(o, "candidate", path, (v, p) => readString(v, p)),
    sdpMid: optional(o, "sdpMid", path, (v, p) => readString(v, p)) ?? null,
    sdpMLineIndex: optional(o, "sdpMLineIndex", path, (v, p) => readNumber(v, p, { min: 0, integer: true })) ?? null,
  };
  const usernameFragment = optional(o, "usernameFragment", path, (v, p) => readString(v, p));
  if (usernameFragment !== undefined) candidate.usernameFragment = usernameFragment;
  return candidate;
}

const serverReaders: { [K in ServerMessageType]: (o: Obj) => Extract<ServerMessage, { type: K }> } = {
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
  "ice-candidate": (o) => ({ type: "ice-candidate", candidate: required(o, "candidate", "", readServerCandidate) }),
  ready: (o) => ({
    type: "ready",
    message: required(o, "message", "", (v, p) => readString(v, p)),
    session_id: required(o, "session_id", "", (v, p) => readString(v, p, { minLength: 1 })),
  }),
  pong: () => ({ type: "pong" }),
  error: (o) => ({
    type: "error",
    code: required(o, "code", "", (v, p) => readEnum(v, p, ERROR_CODE_LIST)),
    message: required(o, "message", "", (v, p) => readString(v, p)),
  }),
};

const SERVER_MESSAGE_TYPES = Object.keys(serverReaders) as ServerMessageType[];

/** Reads one signaling message from the renderer; throws ValidationError (with a path) for anything else. */
export function readServerMessage(value: unknown): ServerMessage {
  const o = readObject(value, "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, SERVER_MESSAGE_TYPES));
  return serverReaders[type](o);
}
