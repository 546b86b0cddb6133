/**
 * A session's viewport changes, one at a time: a tablet turning sends a burst of sizes, and each
 * resize of the page and its capture takes a while, so a burst collapses to its last size instead
 * of replaying every step the tablet passed through.
 */
import type { Viewport } from "../../protocol/index.js";
import { evenSide } from "./session-options.js";

export interface ResizeQueueOptions {
  /** The page's size now. */
  current: () => Viewport;
  /** Puts the page and its capture at `viewport`; a throw leaves the size as it was. */
  apply: (viewport: Viewport) => Promise<void>;
  /** The page now has `viewport`. */
  onResized: (viewport: Viewport) => void;
  onFailed: (err: unknown) => void;
  /** The session closed: nothing more is resized. */
  stopped: () => boolean;
}

export class ResizeQueue {
  private running: Promise<void> = Promise.resolve();
  /** The newest size asked for and not yet taken up by a run. */
  private wanted: Viewport | null = null;

  constructor(private readonly options: ResizeQueueOptions) {}

  /** Asks for `requested`, rounded to the even sizes I420 needs. */
  request(requested: Viewport): void {
    this.wanted = { width: evenSide(requested.width), height: evenSide(requested.height) };
    this.running = this.running.then(() => this.runOne());
  }

  /** Settles once every size asked for so far was applied or dropped. */
  settled(): Promise<void> {
    return this.running;
  }

  private async runOne(): Promise<void> {
    const wanted = this.wanted;
    if (!wanted || this.options.stopped()) return;
    this.wanted = null;
    const current = this.options.current();
    if (wanted.width === current.width && wanted.height === current.height) return;
    try {
      await this.options.apply(wanted);
      this.options.onResized(wanted);
    } catch (err) {
      if (!this.options.stopped()) this.options.onFailed(err);
    }
  }
}
