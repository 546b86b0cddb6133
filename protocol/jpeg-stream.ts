/**
 * The WebSocket picture path, for tablets where WebRTC cannot work (no RTCPeerConnection, no
 * VP8 decoder, or a network that blocks every ICE path): the page's JPEG frames come down the
 * socket as binary messages, input goes up the same socket. The client acknowledges each frame
 * it has drawn; the server keeps at most JPEG_FRAMES_IN_FLIGHT unacknowledged and, when the
 * client lags, sends the newest frame only. Page events (focus, dialogs, viewport…) are the
 * same JSON as on the WebRTC input channel.
 *
 * client → server (JSON text): {type:"join", session_id}, {type:"ack"}, {type:"ping"},
 *   {type:"input", input} (input validated exactly as a DataChannel message)
 * server → client: binary = one JPEG frame; JSON text = {type:"joined", session_id, viewport},
 *   {type:"pong"}, {type:"error", code, message}, or a ChannelEvent
 */
import type { InputMessage } from "./input.js";
import { MAX_INPUT_MESSAGE_BYTES, readInputMessage } from "./input.js";
import { SESSION_ID_PATTERN, type Viewport } from "./signaling.js";
import { type Obj, parseJson, readEnum, readObject, readString, required, ValidationError } from "./validate.js";

export const JPEG_STREAM_PATH = "/ws/jpeg";
/** Frames sent and not yet acknowledged; more only queues pictures the tablet will draw late. */
export const JPEG_FRAMES_IN_FLIGHT = 2;
/** The largest client message: one input message in its envelope. */
export const MAX_JPEG_CLIENT_MESSAGE_BYTES = MAX_INPUT_MESSAGE_BYTES + 256;

export type JpegClientMessage =
  { type: "join"; session_id: string } | { type: "ack" } | { type: "ping" } | { type: "input"; input: InputMessage };
export type JpegClientMessageType = JpegClientMessage["type"];

export interface JpegJoinedMessage {
  type: "joined";
  session_id: string;
  viewport: Viewport;
}

const readers: { [K in JpegClientMessageType]: (o: Obj) => Extract<JpegClientMessage, { type: K }> } = {
  join: (o) => ({
    type: "join",
    session_id: required(o, "session_id", "", (v, p) =>
      readString(v, p, { pattern: SESSION_ID_PATTERN, patternHint: "expected 1-64 letters, digits, '-' or '_'" }),
    ),
  }),
  ack: () => ({ type: "ack" }),
  ping: () => ({ type: "ping" }),
  input: (o) => {
    if (!("input" in o)) throw new ValidationError("input", "is required");
    try {
      return { type: "input", input: readInputMessage(o.input) };
    } catch (err) {
      // The input's own paths start at its root ("x", or "message" for the whole); here it sits under "input".
      if (err instanceof ValidationError)
        throw new ValidationError(err.path === "" || err.path === "message" ? "input" : `input.${err.path}`, err.detail);
      throw err;
    }
  },
};

const JPEG_CLIENT_MESSAGE_TYPES = Object.keys(readers) as JpegClientMessageType[];

/** Parses and validates one client message; throws ValidationError with the path of the problem. */
export function parseJpegClientMessage(text: string): JpegClientMessage {
  if (text.length > MAX_JPEG_CLIENT_MESSAGE_BYTES)
    throw new ValidationError("message", `is larger than ${MAX_JPEG_CLIENT_MESSAGE_BYTES} bytes`);
  const o = readObject(parseJson(text), "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, JPEG_CLIENT_MESSAGE_TYPES));
  return readers[type](o);
}
