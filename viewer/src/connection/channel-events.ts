/**
 * Reader for what the renderer sends on the "input" DataChannel: the page bridge's events
 * (focus, select-open, dialog, page, notice, viewport), whether the page plays sound (audio)
 * and input-error. Like server-messages.ts,
 * nothing from the wire is used before it is checked; an unknown or malformed event is dropped
 * (a newer renderer's extension must never break an older viewer).
 */
import {
  type AudioEvent,
  type ChannelEvent,
  type DialogEvent,
  type FocusEvent,
  type InputErrorMessage,
  type NoticeEvent,
  type Obj,
  optional,
  type PageEvent,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  required,
  type SelectOpenEvent,
  type SelectOption,
  type ViewportEvent,
} from "../../../protocol/index.js";

/** The events the page bridge sends, as opposed to the connection's own (viewport, input-error). */
export type PageChannelEvent = Exclude<ChannelEvent, ViewportEvent | InputErrorMessage>;

const DIALOG_KINDS: readonly DialogEvent["kind"][] = ["alert", "confirm", "prompt", "beforeunload"];
/** Codes are kept open: a newer renderer's notice still shows its message. */
type NoticeCode = NoticeEvent["code"];

const text = (v: unknown, p: string) => readString(v, p);

const readOption = (v: unknown, p: string): SelectOption => {
  const o = readObject(v, p);
  const option: SelectOption = {
    label: required(o, "label", p, text),
    selected: optional(o, "selected", p, readBoolean) ?? false,
    disabled: optional(o, "disabled", p, readBoolean) ?? false,
  };
  const group = optional(o, "group", p, text);
  if (group !== undefined) option.group = group;
  return option;
};

const eventReaders: { [K in ChannelEvent["type"]]: (o: Obj) => Extract<ChannelEvent, { type: K }> } = {
  focus: (o) => {
    const focus: FocusEvent = { type: "focus", editable: required(o, "editable", "", readBoolean) };
    if (!focus.editable) return focus;
    const inputType = optional(o, "inputType", "", text);
    const inputMode = optional(o, "inputMode", "", text);
    const enterKeyHint = optional(o, "enterKeyHint", "", text);
    if (inputType) focus.inputType = inputType;
    if (inputMode) focus.inputMode = inputMode;
    if (enterKeyHint) focus.enterKeyHint = enterKeyHint;
    return focus;
  },
  "select-open": (o) => ({
    type: "select-open",
    id: required(o, "id", "", (v, p) => readString(v, p, { minLength: 1 })),
    multiple: optional(o, "multiple", "", readBoolean) ?? false,
    options: required(o, "options", "", (v, p) => readArray(v, p, readOption)),
  }),
  dialog: (o) => {
    const dialog: DialogEvent = {
      type: "dialog",
      id: required(o, "id", "", (v, p) => readString(v, p, { minLength: 1 })),
      kind: required(o, "kind", "", (v, p) => readEnum(v, p, DIALOG_KINDS)),
      message: optional(o, "message", "", text) ?? "",
    };
    const defaultValue = optional(o, "defaultValue", "", text);
    if (defaultValue !== undefined) dialog.defaultValue = defaultValue;
    return dialog;
  },
  page: (o): PageEvent => ({
    type: "page",
    url: optional(o, "url", "", text) ?? "",
    title: optional(o, "title", "", text) ?? "",
    loading: optional(o, "loading", "", readBoolean) ?? false,
    canGoBack: optional(o, "canGoBack", "", readBoolean) ?? false,
    canGoForward: optional(o, "canGoForward", "", readBoolean) ?? false,
  }),
  notice: (o) => ({
    type: "notice",
    code: required(o, "code", "", (v, p) => readString(v, p, { minLength: 1 })) as NoticeCode,
    message: required(o, "message", "", text),
  }),
  viewport: (o) => ({
    type: "viewport",
    width: required(o, "width", "", (v, p) => readNumber(v, p, { min: 1 })),
    height: required(o, "height", "", (v, p) => readNumber(v, p, { min: 1 })),
  }),
  audio: (o): AudioEvent => ({ type: "audio", playing: required(o, "playing", "", readBoolean) }),
  "input-error": (o) => ({
    type: "input-error",
    code: "invalid_input",
    message: optional(o, "message", "", text) ?? "Input was rejected.",
  }),
};

const EVENT_TYPES = Object.keys(eventReaders) as ChannelEvent["type"][];

/** One DataChannel text message as a checked event, or null for anything else. */
export function readChannelEvent(data: unknown): ChannelEvent | null {
  if (typeof data !== "string") return null;
  try {
    const o = readObject(JSON.parse(data), "message");
    const type = required(o, "type", "", (v, p) => readEnum(v, p, EVENT_TYPES));
    return eventReaders[type](o);
  } catch {
    return null;
  }
}
