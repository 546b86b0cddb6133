/**
 * The back-off of a page that keeps crashing (or refilling its heap) right after each reopen:
 * without it the session would reopen it without pause, spinning a core.
 */
import type { ChannelEvent } from "../../protocol/index.js";
import type { Logger } from "../log.js";

/** Crashes within this window count towards a crash loop. */
const CRASH_WINDOW_MS = 5 * 60_000;
/** From this many crashes in the window on, each reopen waits (2 s, 4 s, 8 s, … up to a minute). */
const CRASH_LOOP_COUNT = 3;
const CRASH_BACKOFF_FIRST_MS = 2_000;
const CRASH_BACKOFF_MAX_MS = 60_000;

/** What viewers are told when their page comes back on a fresh one, by why it was reopened. */
export const REOPEN_NOTICES = {
  crash: { code: "page_crashed", message: "The page stopped working and was reopened." },
  memory: { code: "page_memory_reopened", message: "The page used too much memory and was reopened." },
} as const;
export type ReopenNotice = (typeof REOPEN_NOTICES)[keyof typeof REOPEN_NOTICES];

export class CrashLoopBackoff {
  /** When the page crashed lately. */
  private crashTimes: number[] = [];
  private pending: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  constructor(
    private readonly log: Logger,
    private readonly notify: (event: ChannelEvent) => void,
  ) {}

  /** Counts one crash and, once they come in a loop, waits before the reopen and tells the viewers. */
  async wait(): Promise<void> {
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const beyond = this.crashTimes.length - CRASH_LOOP_COUNT;
    if (beyond < 0) return;
    const delayMs = Math.min(CRASH_BACKOFF_FIRST_MS * 2 ** beyond, CRASH_BACKOFF_MAX_MS);
    this.log.warn({ crashes: this.crashTimes.length, delayMs }, "page keeps crashing; waiting before reopening it");
    this.notify({
      type: "notice",
      code: "page_crash_loop",
      message: `The page keeps crashing (${this.crashTimes.length} times in a few minutes); trying again in ${Math.round(delayMs / 1000)} s.`,
    });
    await new Promise<void>((resolve) => {
      this.pending = { timer: setTimeout(resolve, delayMs), resolve };
    });
    this.pending = null;
  }

  /** Ends a wait in progress at once (the session is closing). */
  close(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.pending.resolve();
  }
}
