/**
 * DataChannel "input" messages: viewer → renderer, JSON text. Coordinates are the page's CSS
 * pixels (the session viewport). The first four are the original design's contract; the rest
 * extend it and are only sent by our own viewer.
 */
import { MAX_VIEWPORT, MIN_VIEWPORT } from "./rest.js";
import {
  type Obj,
  optional,
  parseJson,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  required,
  ValidationError,
} from "./validate.js";

/** Name of the DataChannel the renderer creates for input. */
export const INPUT_CHANNEL_LABEL = "input";

/** Largest input message accepted, in bytes of JSON text. */
export const MAX_INPUT_MESSAGE_BYTES = 16 * 1024;
/** Longest text inserted by one `text` message. */
const MAX_TEXT_LENGTH = 4096;
/** Coordinates far outside any plausible viewport are rejected rather than clamped. */
const MAX_COORDINATE = 100_000;
const MAX_SCROLL_DELTA = 100_000;

export type MouseButton = "left" | "middle" | "right";
export type Modifier = "Alt" | "Control" | "Meta" | "Shift";
const MODIFIERS: readonly Modifier[] = ["Alt", "Control", "Meta", "Shift"];

export interface ClickInput {
  type: "click";
  x: number;
  y: number;
  button?: MouseButton;
}

export interface ScrollInput {
  type: "scroll";
  deltaY: number;
  deltaX?: number;
  /** Where the wheel acts; without it, where the pointer last was. */
  x?: number;
  y?: number;
}

export interface TextInput {
  type: "text";
  text: string;
}

export interface KeyInput {
  type: "key";
  /** A DOM key name: "Enter", "Backspace", "ArrowLeft", "a", … */
  key: string;
  modifiers?: Modifier[];
}

/** Mouse-style pointer, so that drags and hovers work (extension). */
export interface PointerInput {
  type: "pointer";
  action: "down" | "move" | "up";
  x: number;
  y: number;
  button?: MouseButton;
}

/** One finger; `id` stays the same while the finger is down. */
export interface TouchPoint {
  id: number;
  x: number;
  y: number;
  radiusX?: number;
  radiusY?: number;
  force?: number;
}

/**
 * Real touch (extension): `points` are the fingers still on the screen after this change, as in
 * CDP `Input.dispatchTouchEvent` (so an "end" of the last finger has no points).
 */
export interface TouchInput {
  type: "touch";
  action: "start" | "move" | "end" | "cancel";
  points: TouchPoint[];
  /**
   * When the change happened, in ms on the tablet's own clock. The renderer keeps the spacing
   * between touches, so a double tap stays a double tap even when the network bunches messages.
   */
  time?: number;
}

/**
 * IME composition from a soft keyboard (extension): "update" shows the text being composed
 * (underlined in the page), "commit" inserts the final text, "cancel" drops the composition.
 */
export interface CompositionInput {
  type: "composition";
  action: "update" | "commit" | "cancel";
  text: string;
}

/** The tablet's screen changed size or rotated: the page's viewport follows (extension). */
export interface ResizeInput {
  type: "resize";
  width: number;
  height: number;
}

/** The navigation bar (extension). */
export interface NavigateInput {
  type: "navigate";
  action: "back" | "forward" | "reload" | "home";
}

/** The tablet's answer to a `select-open` event: the chosen option indexes (extension). */
export interface SelectAnswer {
  type: "select-answer";
  id: string;
  /** Indexes of the chosen options; null when the picker was dismissed. */
  indexes: number[] | null;
}

/** The tablet's answer to a `dialog` event (extension). */
export interface DialogAnswer {
  type: "dialog-answer";
  id: string;
  accept: boolean;
  /** What the user typed into a prompt(). */
  text?: string;
}

/**
 * Carries nothing (extension): our viewer sends a few right after each tap or key. When the packet
 * that carried the input is lost, these later packets make the renderer report the gap, and the
 * tablet resends the input after one round trip (SCTP fast retransmit) instead of waiting for its
 * retransmission timer (about a second). The renderer ignores them.
 */
export interface FlushInput {
  type: "flush";
}

export type InputMessage =
  | ClickInput
  | ScrollInput
  | TextInput
  | KeyInput
  | PointerInput
  | TouchInput
  | CompositionInput
  | ResizeInput
  | NavigateInput
  | SelectAnswer
  | DialogAnswer
  | FlushInput;
export type InputType = InputMessage["type"];

const readCoordinate = (v: unknown, p: string) => readNumber(v, p, { min: -MAX_COORDINATE, max: MAX_COORDINATE });
const readDelta = (v: unknown, p: string) => readNumber(v, p, { min: -MAX_SCROLL_DELTA, max: MAX_SCROLL_DELTA });
const readButton = (v: unknown, p: string) => readEnum<MouseButton>(v, p, ["left", "middle", "right"]);

/** Most fingers one `touch` message carries. */
export const MAX_TOUCH_POINTS = 10;
/** Largest touch radius (`radiusX`, `radiusY`) accepted, in page pixels. */
export const MAX_TOUCH_RADIUS = 1000;

function readTouchPoint(value: unknown, path: string): TouchPoint {
  const o = readObject(value, path);
  const point: TouchPoint = {
    id: required(o, "id", path, (v, p) => readNumber(v, p, { min: 0, max: 1_000_000, integer: true })),
    x: required(o, "x", path, readCoordinate),
    y: required(o, "y", path, readCoordinate),
  };
  const radiusX = optional(o, "radiusX", path, (v, p) => readNumber(v, p, { min: 0, max: MAX_TOUCH_RADIUS }));
  const radiusY = optional(o, "radiusY", path, (v, p) => readNumber(v, p, { min: 0, max: MAX_TOUCH_RADIUS }));
  const force = optional(o, "force", path, (v, p) => readNumber(v, p, { min: 0, max: 1 }));
  if (radiusX !== undefined) point.radiusX = radiusX;
  if (radiusY !== undefined) point.radiusY = radiusY;
  if (force !== undefined) point.force = force;
  return point;
}

const readRequestId = (v: unknown, p: string) =>
  readString(v, p, { minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: "expected the id of the request" });

const inputReaders: { [K in InputType]: (o: Obj) => Extract<InputMessage, { type: K }> } = {
  click: (o) => ({
    type: "click",
    x: required(o, "x", "", readCoordinate),
    y: required(o, "y", "", readCoordinate),
    button: optional(o, "button", "", readButton),
  }),
  scroll: (o) => ({
    type: "scroll",
    deltaY: optional(o, "deltaY", "", readDelta) ?? 0,
    deltaX: optional(o, "deltaX", "", readDelta),
    x: optional(o, "x", "", readCoordinate),
    y: optional(o, "y", "", readCoordinate),
  }),
  text: (o) => ({
    type: "text",
    text: required(o, "text", "", (v, p) => readString(v, p, { maxLength: MAX_TEXT_LENGTH })),
  }),
  key: (o) => ({
    type: "key",
    key: required(o, "key", "", (v, p) => readString(v, p, { minLength: 1, maxLength: 32 })),
    modifiers: optional(o, "modifiers", "", (v, p) => readArray(v, p, (m, mp) => readEnum(m, mp, MODIFIERS), 4)),
  }),
  pointer: (o) => ({
    type: "pointer",
    action: required(o, "action", "", (v, p) => readEnum(v, p, ["down", "move", "up"] as const)),
    x: required(o, "x", "", readCoordinate),
    y: required(o, "y", "", readCoordinate),
    button: optional(o, "button", "", readButton),
  }),
  touch: (o) => {
    const touch: TouchInput = {
      type: "touch",
      action: required(o, "action", "", (v, p) => readEnum(v, p, ["start", "move", "end", "cancel"] as const)),
      points: required(o, "points", "", (v, p) => readArray(v, p, readTouchPoint, MAX_TOUCH_POINTS)),
    };
    const time = optional(o, "time", "", (v, p) => readNumber(v, p, { min: 0 }));
    if (time !== undefined) touch.time = time;
    return touch;
  },
  composition: (o) => ({
    type: "composition",
    action: required(o, "action", "", (v, p) => readEnum(v, p, ["update", "commit", "cancel"] as const)),
    text: optional(o, "text", "", (v, p) => readString(v, p, { maxLength: MAX_TEXT_LENGTH })) ?? "",
  }),
  resize: (o) => ({
    type: "resize",
    width: required(o, "width", "", (v, p) => readNumber(v, p, { min: MIN_VIEWPORT, max: MAX_VIEWPORT })),
    height: required(o, "height", "", (v, p) => readNumber(v, p, { min: MIN_VIEWPORT, max: MAX_VIEWPORT })),
  }),
  navigate: (o) => ({
    type: "navigate",
    action: required(o, "action", "", (v, p) => readEnum(v, p, ["back", "forward", "reload", "home"] as const)),
  }),
  "select-answer": (o) => ({
    type: "select-answer",
    id: required(o, "id", "", readRequestId),
    indexes:
      o.indexes === null
        ? null
        : required(o, "indexes", "", (v, p) => readArray(v, p, (i, ip) => readNumber(i, ip, { min: 0, max: 10_000, integer: true }), 1000)),
  }),
  "dialog-answer": (o) => ({
    type: "dialog-answer",
    id: required(o, "id", "", readRequestId),
    accept: required(o, "accept", "", readBoolean),
    text: optional(o, "text", "", (v, p) => readString(v, p, { maxLength: MAX_TEXT_LENGTH })),
  }),
  flush: () => ({ type: "flush" }),
};

const INPUT_TYPES = Object.keys(inputReaders) as InputType[];

/** Validates one parsed input message; throws ValidationError with the path of the problem. */
export function readInputMessage(value: unknown): InputMessage {
  const o = readObject(value, "message");
  const type = required(o, "type", "", (v, p) => readEnum(v, p, INPUT_TYPES));
  const message = inputReaders[type](o);
  // Drop absent optional keys so the message compares and logs cleanly.
  const record = message as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return message;
}

/** Parses and validates one DataChannel text message. */
export function parseInputMessage(text: string): InputMessage {
  if (text.length > MAX_INPUT_MESSAGE_BYTES) {
    throw new ValidationError("message", `is larger than ${MAX_INPUT_MESSAGE_BYTES} bytes`);
  }
  return readInputMessage(parseJson(text));
}

/** Renderer → viewer on the same DataChannel: a rejected input message, so nothing is lost silently. */
export interface InputErrorMessage {
  type: "input-error";
  code: "invalid_input";
  message: string;
}
