/**
 * Answers a viewer's keyframe request at once. libwebrtc's encoder turns the NEXT frame it is
 * given into a keyframe after a PLI/FIR, and @roamhq/wrtc's RTCVideoSource has no way to ask us
 * for one: on a static page, which pushes nothing, the request waited for the once-a-second
 * re-push, and the viewer's picture stayed broken that long. So the sender's request counters
 * are polled and, when one rose and no frame went out since, the newest frame is pushed again.
 * Rate-limited: a viewer on a bad link asks every ~200 ms while it waits, and each 720p keyframe
 * is tens of packets, so answering every request would be a keyframe storm that feeds the loss.
 */

/** How often the sender's PLI/FIR counters are read. */
export const KEYFRAME_POLL_MS = 40;
/** A frame pushed this recently is followed soon by another, which will be the keyframe. */
export const FLOWING_FRAME_MS = 50;
/** At most one answered keyframe per this period. */
export const MIN_KEYFRAME_ANSWER_INTERVAL_MS = 300;

export interface KeyframeAnswerDeps {
  /** PLI + FIR received so far, or null when the figures cannot be read now. */
  readRequests(): Promise<number | null>;
  /** When the last frame went to the encoder (clock of `now`), or null before the first. */
  lastPushAt(): number | null;
  /** Push the newest frame again. */
  repush(): void;
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export class KeyframeAnswer {
  private seen = 0;
  /** When a request was noticed that no frame has answered yet. */
  private owedSince: number | null = null;
  private lastAnswer = -Infinity;
  private reading = false;
  private timer: unknown = null;
  private closed = false;
  answered = 0;

  constructor(private readonly deps: KeyframeAnswerDeps) {}

  start(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = this.deps.setInterval(() => void this.tick(), KEYFRAME_POLL_MS);
  }

  private async tick(): Promise<void> {
    if (this.reading || this.closed) return;
    this.reading = true;
    let count: number | null;
    try {
      count = await this.deps.readRequests();
    } catch {
      count = null;
    } finally {
      this.reading = false;
    }
    if (this.closed || count === null) return;
    const now = this.deps.now();
    if (count > this.seen) {
      this.seen = count;
      this.owedSince ??= now;
    }
    if (this.owedSince === null) return;
    const lastPush = this.deps.lastPushAt();
    if (lastPush === null) return;
    // A frame that went out after the request was noticed was made a keyframe by the encoder.
    if (lastPush > this.owedSince) {
      this.owedSince = null;
      return;
    }
    if (now - lastPush < FLOWING_FRAME_MS || now - this.lastAnswer < MIN_KEYFRAME_ANSWER_INTERVAL_MS) return;
    this.owedSince = null;
    this.lastAnswer = now;
    this.answered++;
    this.deps.repush();
  }

  /** Stops polling. Safe to call twice. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) this.deps.clearInterval(this.timer);
    this.timer = null;
  }
}
