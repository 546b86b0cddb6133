/**
 * Renderer → viewer messages on the "input" DataChannel (JSON text): what the screencast cannot
 * show (focus for the soft keyboard, <select> pickers, JS dialogs, notices) and the page's state
 * for the navigation bar. The original client logs and ignores them.
 */
import type { InputErrorMessage } from "./input.js";

/** An editable element gained focus (or focus left one): open or close the soft keyboard. */
export interface FocusEvent {
  type: "focus";
  editable: boolean;
  /** input's `type` (text, email, number, password, search, tel, url…) or "textarea" / "contenteditable". */
  inputType?: string;
  /** The element's `inputmode` attribute, if any (numeric, decimal, tel, email, url, search…). */
  inputMode?: string;
  /** `enterkeyhint`, if any (go, search, send, next, done). */
  enterKeyHint?: string;
}

export interface SelectOption {
  label: string;
  selected: boolean;
  disabled: boolean;
  /** The <optgroup> label, if the option is in one. */
  group?: string;
}

/** A <select> was opened in the page: show a native picker on the tablet, answer with select-answer. */
export interface SelectOpenEvent {
  type: "select-open";
  id: string;
  multiple: boolean;
  options: SelectOption[];
}

/** alert / confirm / prompt / beforeunload in the page: answer with dialog-answer. */
export interface DialogEvent {
  type: "dialog";
  id: string;
  kind: "alert" | "confirm" | "prompt" | "beforeunload";
  message: string;
  defaultValue?: string;
}

/** The page's state for the navigation bar. */
export interface PageEvent {
  type: "page";
  url: string;
  title: string;
  loading: boolean;
  canGoBack: boolean;
  canGoForward: boolean;
}

/** Something the user should know: a refused file picker, download or URL; a page that crashed. */
export interface NoticeEvent {
  type: "notice";
  code:
    | "file_chooser_refused"
    | "download_refused"
    | "url_not_allowed"
    | "page_crashed"
    | "page_memory_reopened"
    | "page_crash_loop"
    | "popup_opened_here"
    | "audio_unavailable";
  message: string;
}

/** The viewport changed (after a resize message): the video's size follows. */
export interface ViewportEvent {
  type: "viewport";
  width: number;
  height: number;
}

/**
 * Sessions with sound only: whether the page is playing sound now (level above silence in the
 * last second). Sent on change and to a viewer that joins, so the viewer can show an indicator and
 * ask for the tap that mobile autoplay rules need before sound plays.
 */
export interface AudioEvent {
  type: "audio";
  playing: boolean;
}

export type ChannelEvent =
  FocusEvent | SelectOpenEvent | DialogEvent | PageEvent | NoticeEvent | ViewportEvent | AudioEvent | InputErrorMessage;
