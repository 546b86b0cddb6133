/**
 * The input channel is reliable, but the tablet resends a lost packet only once it learns of the
 * loss: from the renderer's report of a gap, which needs later packets, or else from its
 * retransmission timer, about a second. After a tap or key nothing else is sent for a while, so a
 * lost tap waited for that timer (the static page's tap p95 under 3 % loss). A few tiny `flush`
 * messages right after each tap or key are the later packets: three gap reports, and the tap is
 * resent after one round trip.
 */
import type { LinkTimers } from "./peer-link.js";

/** Three reports of a gap make SCTP resend at once (fast retransmit). */
export const TAIL_FLUSHES = 3;
/** Apart enough to travel in packets of their own, close enough to cost one round trip. */
export const TAIL_FLUSH_SPACING_MS = 8;

export class TailFlush {
  private timer: unknown = null;
  private left = 0;

  /** `send` puts one flush on the channel; false when it could not. */
  constructor(
    private readonly timers: LinkTimers,
    private readonly send: () => boolean,
  ) {}

  /** A tap or key just went out: (re)start the flushes behind it. */
  arm(): void {
    this.left = TAIL_FLUSHES;
    if (this.timer === null) this.timer = this.timers.setTimeout(this.next, TAIL_FLUSH_SPACING_MS);
  }

  /** Stops the flushes. Safe to call twice. */
  close(): void {
    this.left = 0;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly next = (): void => {
    this.timer = null;
    if (this.left <= 0) return;
    this.left--;
    if (!this.send()) this.left = 0;
    if (this.left > 0) this.timer = this.timers.setTimeout(this.next, TAIL_FLUSH_SPACING_MS);
  };
}
