/** The timer functions the viewer's controllers use, injectable so tests can drive the clock by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as number),
};

/** At most one pending timeout: starting it again replaces the one waiting, so no callback outlives its purpose. */
export class TimerSlot {
  private handle: unknown;
  private armed = false;

  constructor(private readonly timers: Timers) {}

  get pending(): boolean {
    return this.armed;
  }

  start(ms: number, callback: () => void): void {
    this.clear();
    this.armed = true;
    this.handle = this.timers.setTimeout(() => {
      this.armed = false;
      this.handle = undefined;
      callback();
    }, ms);
  }

  /** Safe to call when nothing is pending. */
  clear(): void {
    if (this.armed) this.timers.clearTimeout(this.handle);
    this.armed = false;
    this.handle = undefined;
  }
}
