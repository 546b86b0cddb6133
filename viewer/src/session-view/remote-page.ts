/**
 * What the viewer knows about the remote page beyond its picture, from the page bridge's events:
 * its navigation state, whether a text field has the focus, an open <select>, the JS dialogs
 * waiting for an answer, and recent notices. Elements render it; answers sent by the user clear
 * what they answered.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type {
  DialogEvent,
  FocusEvent,
  InputMessage,
  NoticeEvent,
  PageChannelEvent,
  PageEvent,
  SelectOpenEvent,
} from "../../../protocol/index.js";
import { browserTimers, type Timers } from "../connection/timers.js";

/**
 * How long a notice stays on screen: the page's (a refused download, a blocked URL…) and the
 * session controller's transient ones (a rejected input, a server error while streaming).
 */
export const PAGE_NOTICE_DURATION_MS = 4_000;
/** Older notices give way when several arrive at once. */
export const MAX_VISIBLE_NOTICES = 3;

export interface PageNotice {
  /** Unique per notice, for rendering. */
  key: number;
  code: string;
  message: string;
}

const NO_FOCUS: FocusEvent = { type: "focus", editable: false };

export class RemotePage implements ReactiveController {
  page: PageEvent | null = null;
  focus: FocusEvent = NO_FOCUS;
  select: SelectOpenEvent | null = null;
  /** Oldest first; the first is the one shown. */
  dialogs: DialogEvent[] = [];
  notices: PageNotice[] = [];

  private readonly timers: Timers;
  private readonly noticeTimers = new Map<number, unknown>();
  private nextNoticeKey = 1;

  constructor(
    private readonly host: ReactiveControllerHost,
    timers?: Timers,
  ) {
    this.timers = timers ?? browserTimers;
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const timer of this.noticeTimers.values()) this.timers.clearTimeout(timer);
    this.noticeTimers.clear();
    this.notices = [];
  }

  apply(event: PageChannelEvent): void {
    switch (event.type) {
      case "page":
        this.page = event;
        break;
      case "focus":
        this.focus = event;
        break;
      case "select-open":
        this.select = event;
        break;
      case "dialog":
        // A rejoin repeats the dialogs still waiting.
        if (!this.dialogs.some((d) => d.id === event.id)) this.dialogs = [...this.dialogs, event];
        break;
      case "notice":
        this.addNotice(event);
        break;
      case "audio":
        // The sound controller owns playback; the viewer hands it these events before they get here.
        break;
    }
    this.host.requestUpdate();
  }

  /** The user answered something: it is no longer waiting. */
  answered(input: InputMessage): void {
    if (input.type === "select-answer" && this.select?.id === input.id) this.select = null;
    else if (input.type === "dialog-answer") this.dialogs = this.dialogs.filter((d) => d.id !== input.id);
    else return;
    this.host.requestUpdate();
  }

  /**
   * A new input channel: the renderer sends the focus and the waiting dialogs again, so the old
   * ones are forgotten. An open picker stays: the renderer still accepts its answer.
   */
  connectionOpened(): void {
    this.focus = NO_FOCUS;
    this.dialogs = [];
    this.host.requestUpdate();
  }

  private addNotice(event: NoticeEvent): void {
    const notice: PageNotice = { key: this.nextNoticeKey++, code: event.code, message: event.message };
    const kept = this.notices.slice(-(MAX_VISIBLE_NOTICES - 1));
    for (const dropped of this.notices.slice(0, this.notices.length - kept.length)) this.dropTimer(dropped.key);
    this.notices = [...kept, notice];
    this.noticeTimers.set(
      notice.key,
      this.timers.setTimeout(() => {
        this.noticeTimers.delete(notice.key);
        this.notices = this.notices.filter((n) => n.key !== notice.key);
        this.host.requestUpdate();
      }, PAGE_NOTICE_DURATION_MS),
    );
  }

  private dropTimer(key: number): void {
    const timer = this.noticeTimers.get(key);
    if (timer !== undefined) this.timers.clearTimeout(timer);
    this.noticeTimers.delete(key);
  }
}
