/**
 * Turns the tablet's touch times into CDP event timestamps that keep the touches' spacing. The
 * page's gesture detector measures the gap between two taps (a double tap needs it between 40
 * and 300 ms); stamping touches when they arrive would let a network or event-loop hiccup bunch
 * or stretch that gap, so a double tap sometimes became two single taps.
 */

/** A stamp lagging its arrival by more than this means the tablet's clock jumped: re-anchor. */
const MAX_LAG_MS = 1000;

export class TouchClock {
  /** renderer time − tablet time, from the touch that arrived with the least delay. */
  private offset: number | null = null;
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** CDP `timestamp` (seconds since the epoch) for a touch made at `time` on the tablet's clock. */
  stamp(time: number | undefined): number {
    const now = this.now();
    if (time === undefined) return this.monotonic(now);
    const seen = now - time;
    if (this.offset === null || seen < this.offset || seen - this.offset > MAX_LAG_MS) this.offset = seen;
    return this.monotonic(time + this.offset);
  }

  private monotonic(ms: number): number {
    // The least-delay offset never stamps a touch in the future; order stays as the tablet sent it.
    this.last = Math.max(this.last, ms);
    return this.last / 1000;
  }
}
