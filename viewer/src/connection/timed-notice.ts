/** A short-lived message shown even while streaming (a rejected input, a transport switch). */
import { PAGE_NOTICE_DURATION_MS } from "../session-view/remote-page.js";
import { type Timers, TimerSlot } from "./timers.js";

export class TimedNotice {
  private value: string | null = null;
  private readonly timer: TimerSlot;

  constructor(
    timers: Timers,
    /** Called whenever the text changes, so the host renders it. */
    private readonly changed: () => void,
  ) {
    this.timer = new TimerSlot(timers);
  }

  get text(): string | null {
    return this.value;
  }

  /** Shows `text` now, replacing any earlier one, and hides it PAGE_NOTICE_DURATION_MS later. */
  show(text: string): void {
    this.value = text;
    this.timer.start(PAGE_NOTICE_DURATION_MS, () => {
      this.value = null;
      this.changed();
    });
    this.changed();
  }
}
