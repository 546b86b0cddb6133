/**
 * WebSocket `/ws/signaling` messages, JSON text frames discriminated by `type`. Compatible with
 * the original design's client: it sends join/answer/ice-candidate/ping and understands
 * offer/ready/pong/error. `iceServers`, `viewport`, `code` are our extensions.
 */
import { type Obj, optional, parseJson, readEnum, readNumber, readObject, readString, required, ValidationError } from "./validate.js";

export const SIGNALING_PATH = "/ws/signaling";
/** Largest signaling message accepted (an SDP with many candidates is a few KiB). */
export const MAX_SIGNALING_MESSAGE_BYTES = 64 * 1024;

/** Well-formed session ids: what a client may choose, and what the renderer generates. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface Viewport {
  width: number;
  height: number;
}

// client → server
export interface JoinMessage {
  type: "join";
  session_id: string;
}
export interface AnswerMessage {
  type: "answer";
  answer: { type: "answer"; sdp: string };
}
export interface ClientIceMessage {
  type: "ice-candidate";
  /** null (or an empty candidate string) marks the end of candidates. */
  candidate: IceCandidateInit | null;
}
export interface PingMessage {
  type: "ping";
}
export type ClientMessage = JoinMessage | AnswerMessage | ClientIceMessage | PingMessage;
export type ClientMessageType = ClientMessage["type"];

// server → client
export interface OfferMessage {
  type: "offer";
  offer: { type: "offer"; sdp: string };
  /** The ICE servers the client should use (fresh TURN credentials included). */
  iceServers?: IceServer[];
  viewport?: Viewport;
}
export interface ServerIceMessage {
  type: "ice-candidate";
  candidate: IceCandidateInit;
}
export interface ReadyMessage {
  type: "ready";
  message: string;
  session_id: string;
}
export interface PongMessage {
  type: "pong";
}
export type ErrorCode =
  | "invalid_message"
  | "unknown_session"
  | "not_joined"
  | "already_joined"
  | "too_many_viewers"
  | "negotiation_failed"
  | "session_closed"
  /** The offer got no answer in time; the viewer slot was given back. */
  | "answer_timeout"
  /** Too many joins (TURN credentials minted) from this address; try again a little later. */
  | "rate_limited"
  | "internal";
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  message: string;
}
export type ServerMessage = OfferMessage | ServerIceMessage | ReadyMessage | PongMessage | ErrorMessage;

const MAX_SDP_LENGTH = 60 * 1024;

function readCandidate(value: unknown, path: string): IceCandidateInit | null {
  if (value === null) return null;
  const o = readObject(value, path);
  const candidate = required(o, "candidate", path, (v, p) => readString(v, p, { maxLength: 1024 }));
  if (candidate === "") return null;
  return {
    candidate,
    sdpMid: optional(o, "sdpMid", path, (v, p) => readString(v, p, { maxLength: 64 })) ?? null,
    sdpMLineIndex: optional(o, "sdpMLineIndex", path, (v, p) => readNumber(v, p, { min: 0, max: 64, integer: true })) ?? null,
    usernameFragment: optional(o, "usernameFragment", path, (v, p) => readString(v, p, { maxLength: 256 })) ?? null,
  };
}

const clientReaders: { [K in ClientMessageType]: (o: Obj) => Extract<ClientMessage, { type: K }> } = {
  join: (o) => ({
    type: "join",
    session_id: required(o, "session_id", "", (v, p) =>
      readString(v, p, { pattern: SESSION_ID_PATTERN, patternHint: "expected 1-64 letters, digits, '-' or '_'" }),
    ),
  }),
  answer: (o) => {
    const answer = required(o, "answer", "", readObject);
    required(answer, "type", "answer", (v, p) => readEnum(v, p, ["answer"] as const));
    return {
      type: "answer",
      answer: {
        type: "answer",
        sdp: required(answer, "sdp", "answer", (v, p) => readString(v, p, { minLength: 1, maxLength: MAX_SDP_LENGTH })),
      },
    };
  },
  "ice-candidate": (o) => {
    if (!("candidate" in o)) throw new ValidationError("candidate", "is required");
    return { type: "ice-candidate", candidate: readCandidate(o.candidate, "candidate") };
  },
  ping: () => ({ type: "ping" }),
};

const CLIENT_MESSAGE_TYPES = Object.keys(clientReaders) as ClientMessageType[];

function readClientMessage(value: unknown): ClientMessage {
  const o = readObject(value, "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, CLIENT_MESSAGE_TYPES));
  return clientReaders[type](o);
}

export function parseClientMessage(text: string): ClientMessage {
  if (text.length > MAX_SIGNALING_MESSAGE_BYTES) {
    throw new ValidationError("message", `is larger than ${MAX_SIGNALING_MESSAGE_BYTES} bytes`);
  }
  return readClientMessage(parseJson(text));
}
