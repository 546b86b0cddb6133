/**
 * What the renderer sends as JSON text on the WebSocket picture path (jpeg-stream.ts): joined,
 * pong and error, beside the ChannelEvents it shares with the WebRTC input channel. The renderer
 * builds its messages with these types and the viewer reads them back with this reader, so
 * nothing from the socket is used before it is checked.
 */
import { readChannelEvent } from "./channel-event-reader.js";
import type { ChannelEvent } from "./events.js";
import type { JpegJoinedMessage } from "./jpeg-stream.js";
import { readViewport, SIGNALING_ERROR_CODES } from "./server-message-reader.js";
import { type ErrorCode, type PongMessage, SESSION_ID_PATTERN } from "./signaling.js";
import { type Obj, readEnum, readObject, readString, required } from "./validate.js";

/**
 * The picture path's own code list: every signaling code (its joins and sessions fail the same
 * ways), plus `invalid_input`, the code a DataChannel gives bad input. Signaling never sends
 * that one, so it stays out of ErrorCode; a viewer shows it as a rejected input.
 */
export type JpegStreamErrorCode = ErrorCode | "invalid_input";

/** A Record so that a code added to JpegStreamErrorCode (or to ErrorCode) must be listed here too. */
const JPEG_STREAM_ERROR_CODES: Record<JpegStreamErrorCode, true> = { ...SIGNALING_ERROR_CODES, invalid_input: true };
const JPEG_STREAM_ERROR_CODE_LIST = Object.keys(JPEG_STREAM_ERROR_CODES) as JpegStreamErrorCode[];

export interface JpegErrorMessage {
  type: "error";
  code: JpegStreamErrorCode;
  message: string;
}

/** The path's own server messages (ChannelEvents aside), discriminated by `type`. */
export type JpegServerMessage = JpegJoinedMessage | PongMessage | JpegErrorMessage;
type JpegServerMessageType = JpegServerMessage["type"];

const jpegServerReaders: { [K in JpegServerMessageType]: (o: Obj) => Extract<JpegServerMessage, { type: K }> } = {
  joined: (o) => ({
    type: "joined",
    session_id: required(o, "session_id", "", (v, p) =>
      readString(v, p, { pattern: SESSION_ID_PATTERN, patternHint: "expected 1-64 letters, digits, '-' or '_'" }),
    ),
    viewport: required(o, "viewport", "", readViewport),
  }),
  pong: () => ({ type: "pong" }),
  error: (o) => ({
    type: "error",
    code: required(o, "code", "", (v, p) => readEnum(v, p, JPEG_STREAM_ERROR_CODE_LIST)),
    message: required(o, "message", "", (v, p) => readString(v, p)),
  }),
};

const JPEG_SERVER_MESSAGE_TYPES = Object.keys(jpegServerReaders) as JpegServerMessageType[];

/** Reads one picture-path message from the renderer; throws ValidationError (with a path) for anything else. */
export function readJpegServerMessage(value: unknown): JpegServerMessage {
  const o = readObject(value, "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, JPEG_SERVER_MESSAGE_TYPES));
  return jpegServerReaders[type](o);
}

/**
 * One text frame of the picture path: a server message or a ChannelEvent, or null for anything
 * unknown or malformed (a newer server's extension is never worth dropping the picture for).
 */
export function readJpegServerText(text: string): JpegServerMessage | ChannelEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (!(JPEG_SERVER_MESSAGE_TYPES as unknown[]).includes(type)) return readChannelEvent(text);
  try {
    return readJpegServerMessage(value);
  } catch {
    return null;
  }
}
