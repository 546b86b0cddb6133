/**
 * The timed upkeep of one session: it closes when no viewer came back within the idle timeout,
 * returns home after a period without input, and reopens a page whose JavaScript heap passed
 * the ceiling. Time comes from an injected timers interface so the schedule can be tested
 * without waiting for it.
 */
import type { Logger } from "../log.js";

/** How often the page's heap is read. */
export const MEMORY_CHECK_INTERVAL_MS = 10_000;

/** The timer functions the upkeep schedules with; handles are whatever the implementation returns. */
export interface UpkeepTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Node's timers, unref'd: a session's upkeep never keeps the process alive on its own. */
const nodeTimers: UpkeepTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (run, ms) => setInterval(run, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SessionUpkeepOptions {
  idleTimeoutMs: number;
  /** Without input for this long the page returns home (0: never). */
  resetAfterIdleMs: number;
  /** JavaScript heap ceiling of the page, in bytes. */
  maxPageMemoryBytes: number;
  memoryCheckIntervalMs?: number;
  timers?: UpkeepTimers;
  log: Logger;
  /** No viewer for the idle timeout: the session should close. */
  onIdle: () => void;
  /** No input for the reset period: the page should go home. */
  onReset: () => Promise<void>;
  /** The page's used JavaScript heap in bytes, or null when it cannot be read right now. */
  readHeapBytes: () => Promise<number | null>;
  /** The heap passed the ceiling: the page should be reopened. */
  onMemoryCeiling: () => Promise<void>;
}

export class SessionUpkeep {
  private readonly timers: UpkeepTimers;
  private idleTimer: unknown = null;
  private resetTimer: unknown = null;
  private memoryTimer: unknown = null;
  private closed = false;

  constructor(private readonly options: SessionUpkeepOptions) {
    this.timers = options.timers ?? nodeTimers;
  }

  /** Starts the memory watchdog and the idle countdown (a new session has no viewer yet). */
  start(): void {
    if (this.closed || this.memoryTimer !== null) return;
    this.viewersGone();
    this.memoryTimer = this.timers.setInterval(
      () => void this.checkMemory(),
      this.options.memoryCheckIntervalMs ?? MEMORY_CHECK_INTERVAL_MS,
    );
  }

  /** A viewer joined: the session is no longer idle. */
  viewerJoined(): void {
    this.clearIdle();
  }

  /** The last viewer left: the idle countdown starts again from now. */
  viewersGone(): void {
    if (this.closed) return;
    this.clearIdle();
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = null;
      this.options.log.info({ idleMs: this.options.idleTimeoutMs }, "no viewer for the idle timeout; closing");
      this.options.onIdle();
    }, this.options.idleTimeoutMs);
  }

  /** Input arrived (or a page was just attached): the reset period starts again from now. */
  inputSeen(): void {
    if (this.options.resetAfterIdleMs <= 0 || this.closed) return;
    if (this.resetTimer !== null) this.timers.clearTimeout(this.resetTimer);
    this.resetTimer = this.timers.setTimeout(() => void this.reset(), this.options.resetAfterIdleMs);
  }

  private async reset(): Promise<void> {
    this.resetTimer = null;
    if (this.closed) return;
    await this.options.onReset();
    this.inputSeen();
  }

  private async checkMemory(): Promise<void> {
    if (this.closed) return;
    const used = await this.options.readHeapBytes();
    if (this.closed || used === null || used <= this.options.maxPageMemoryBytes) return;
    this.options.log.error({ usedMB: Math.round(used / 2 ** 20) }, "page memory over the ceiling; reopening it");
    await this.options.onMemoryCeiling();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Stops every timer; nothing fires after this. Safe to call twice. */
  close(): void {
    this.closed = true;
    this.clearIdle();
    if (this.resetTimer !== null) this.timers.clearTimeout(this.resetTimer);
    this.resetTimer = null;
    if (this.memoryTimer !== null) this.timers.clearInterval(this.memoryTimer);
    this.memoryTimer = null;
  }
}
