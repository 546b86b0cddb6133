/**
 * Reader for what the renderer sends on the "input" DataChannel (and the JPEG fallback's event
 * frames): the page bridge's events (focus, select-open, dialog, page, notice), the session's
 * viewport and audio events, and input-error. An unknown or malformed event is dropped rather
 * than thrown, so one bad event never tears down a stream that is otherwise fine.
 */
import type { AudioEvent, ChannelEvent, DialogEvent, FocusEvent, NoticeEvent, PageEvent, SelectOption, ViewportEvent } from "./events.js";
import type { InputErrorMessage } from "./input.js";
import { type Obj, optional, readArray, readBoolean, readEnum, readNumber, readObject, readString, required } from "./validate.js";

/** The events the page bridge sends, as opposed to the connection's own (viewport, input-error). */
export type PageChannelEvent = Exclude<ChannelEvent, ViewportEvent | InputErrorMessage>;

const DIALOG_KINDS: Record<DialogEvent["kind"], true> = { alert: true, confirm: true, prompt: true, beforeunload: true };
/** A Record so that a notice code added to NoticeEvent must be added here too. */
const NOTICE_CODES: Record<NoticeEvent["code"], true> = {
  file_chooser_refused: true,
  download_refused: true,
  url_not_allowed: true,
  page_crashed: true,
  page_memory_reopened: true,
  page_crash_loop: true,
  popup_opened_here: true,
  audio_unavailable: true,
};
const DIALOG_KIND_LIST = Object.keys(DIALOG_KINDS) as DialogEvent["kind"][];
const NOTICE_CODE_LIST = Object.keys(NOTICE_CODES) as NoticeEvent["code"][];

const text = (v: unknown, p: string) => readString(v, p);

function readOption(value: unknown, path: string): SelectOption {
  const o = readObject(value, path);
  const option: SelectOption = {
    label: required(o, "label", path, text),
    selected: optional(o, "selected", path, readBoolean) ?? false,
    disabled: optional(o, "disabled", path, readBoolean) ?? false,
  };
  const group = optional(o, "group", path, text);
  if (group !== undefined) option.group = group;
  return option;
}

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
      kind: required(o, "kind", "", (v, p) => readEnum(v, p, DIALOG_KIND_LIST)),
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
    code: required(o, "code", "", (v, p) => readEnum(v, p, NOTICE_CODE_LIST)),
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
    code: required(o, "code", "", (v, p) => readEnum(v, p, ["invalid_input"] as const)),
    message: required(o, "message", "", text),
  }),
};

const CHANNEL_EVENT_TYPES = Object.keys(eventReaders) as ChannelEvent["type"][];

/** One DataChannel text message as a checked event, or null for anything else. */
export function readChannelEvent(data: unknown): ChannelEvent | null {
  if (typeof data !== "string") return null;
  try {
    const o = readObject(JSON.parse(data), "message");
    const type = required(o, "type", "", (v, p) => readEnum(v, p, CHANNEL_EVENT_TYPES));
    return eventReaders[type](o);
  } catch {
    return null;
  }
}
