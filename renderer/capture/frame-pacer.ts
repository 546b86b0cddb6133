/**
 * How decoded frames reach the peers, the same for every capture: never closer than 1/maxFps
 * (libwebrtc drops frames that come faster than the encoding's maxFramerate, and on a static page
 * the dropped one, often the one showing a tap, stayed unseen until the next re-push), a changed
 * frame pushed once more when nothing newer followed, and the newest frame re-pushed while the
 * page stands still, so new viewers and keyframe requests get a picture.
 */
import { DEFAULT_TAIL_PROBE_MS, type I420Frame } from "../media/frames.js";

/**
 * A static page sends no frames; re-push the last one this often so new viewers see a picture and
 * a keyframe request can be served. Not longer: at 2 s the tablet's Chromium took the gap for a
 * stall and kept asking for keyframes (16–22 PLIs in 30 s), dropping the delta frames that showed
 * taps until the next re-push (static-page tap p50 1.8 s). Costs ≈ 1 % CPU per static session.
 */
export const REPUSH_INTERVAL_MS = 1000;
/**
 * A changed frame is pushed once more this long after it when nothing newer came: the encoder may
 * have dropped it (bitrate), and on a static page the next chance would be the re-push a second
 * later. The second copy also lets VP8 sharpen a picture that stands still.
 */
export const SETTLE_REPUSH_MS = 120;

/** The time and timers the pacing runs on; tests pass a manual one. */
export interface PacingClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: PacingClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  // Unref'd: the re-push alone must not keep the process alive.
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface FramePacerOptions {
  maxFps: number;
  /** Push a changed frame once more this soon when nothing newer came (0: off). */
  tailProbeMs?: number;
  clock: PacingClock;
  onFrame: (frame: I420Frame) => void;
  /** A newer frame is on its way (decoding): copies of the old one would only delay it. */
  busy: () => boolean;
}

export class FramePacer {
  private lastEmit = 0;
  private readonly repushTimer: unknown;
  /** A frame held back so frames reach the encoder at most maxFps apart (closer ones it drops). */
  private held: I420Frame | null = null;
  private heldFresh = false;
  private heldTimer: unknown = null;
  private settleTimer: unknown = null;
  private probeTimer: unknown = null;
  /** Counts fresh frames delivered, so a later copy knows whether a newer one went out. */
  private freshDelivered = 0;
  private readonly minIntervalMs: number;
  private closed = false;
  lastFrame: I420Frame | null = null;

  constructor(private readonly options: FramePacerOptions) {
    this.minIntervalMs = 1000 / options.maxFps;
    this.repushTimer = options.clock.setInterval(() => this.repush(), REPUSH_INTERVAL_MS);
  }

  /** A new picture of the page. */
  push(frame: I420Frame): void {
    this.lastFrame = frame;
    this.emit(frame, true);
  }

  /** Holds a frame that comes sooner than 1/maxFps after the one before; a newer one replaces it. */
  private emit(frame: I420Frame, fresh: boolean): void {
    if (this.closed) return;
    const wait = this.lastEmit + this.minIntervalMs - this.options.clock.now();
    if (wait > 0) {
      // A held fresh frame stays fresh when a copy of the same picture takes its place.
      this.heldFresh = fresh || (this.heldFresh && frame === this.held);
      this.held = frame;
      this.heldTimer ??= this.options.clock.setTimeout(() => {
        this.heldTimer = null;
        const held = this.held;
        this.held = null;
        if (held && !this.closed) this.deliver(held, this.heldFresh);
      }, wait);
      return;
    }
    this.deliver(frame, fresh);
  }

  private deliver(frame: I420Frame, fresh: boolean): void {
    this.lastEmit = this.options.clock.now();
    this.options.onFrame(frame);
    if (!fresh) return;
    const { clock } = this.options;
    const seq = ++this.freshDelivered;
    // Copies go through emit(): the settle re-push or tail probe must respect 1/maxFps as well.
    const again = () => {
      if (seq === this.freshDelivered && this.lastFrame && !this.options.busy() && !this.held && !this.closed)
        this.emit(this.lastFrame, false);
    };
    if (this.settleTimer) clock.clearTimeout(this.settleTimer);
    this.settleTimer = clock.setTimeout(() => {
      this.settleTimer = null;
      again();
    }, SETTLE_REPUSH_MS);
    const probeMs = this.options.tailProbeMs ?? DEFAULT_TAIL_PROBE_MS;
    if (this.probeTimer) clock.clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (probeMs > 0 && probeMs < SETTLE_REPUSH_MS) {
      this.probeTimer = clock.setTimeout(
        () => {
          this.probeTimer = null;
          again();
        },
        Math.max(probeMs, this.minIntervalMs),
      );
    }
  }

  private repush(): void {
    if (this.lastFrame && !this.options.busy() && !this.held && this.options.clock.now() - this.lastEmit >= REPUSH_INTERVAL_MS)
      this.emit(this.lastFrame, false);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { clock } = this.options;
    clock.clearInterval(this.repushTimer);
    if (this.heldTimer) clock.clearTimeout(this.heldTimer);
    if (this.settleTimer) clock.clearTimeout(this.settleTimer);
    if (this.probeTimer) clock.clearTimeout(this.probeTimer);
  }
}
