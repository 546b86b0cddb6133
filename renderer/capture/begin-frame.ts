/**
 * One page's picture with begin-frame control (`video.capture: beginframe`): the page draws only
 * when `HeadlessExperimental.beginFrame` asks, and the call returns the drawn frame as a JPEG, so
 * Chromium renders and encodes only the frames we send instead of ≈ 60 a second.
 *
 * One frame clock per page, one call in flight at a time:
 * - active (the page changed, or input came, within ACTIVE_HOLD_MS): a frame with a screenshot
 *   every 1/maxFps; a JPEG equal to the one before is no damage and is neither decoded nor pushed
 *   (with a screenshot Chromium always reports damage, so the bytes are the only witness);
 * - idle: a begin-frame without a screenshot every IDLE_PROBE_MS, which reports damage for a
 *   ~1 ms round trip; damage turns the clock active at once;
 * - input: poke() asks for a screenshot frame at once (after the call in flight, if any).
 * Every call has a time-out: a stalled call (reported after viewport changes) re-attaches a
 * fresh CDP session, and a page that keeps stalling is handed back to be reopened.
 */
import type { CDPSession } from "playwright-core";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { I420Frame } from "../media/frames.js";
import type { CaptureStats, FrameCapture, FrameDecoder } from "./frame-capture.js";
import { FramePacer, type PacingClock, systemClock } from "./frame-pacer.js";
import { JpegDecoder } from "./jpeg-decoder.js";

/** How the frame clock runs; the defaults are measured (see each), tests shorten them. */
export interface BeginFrameTiming {
  /**
   * Screenshots at maxFps go on this long after the last change or input: a tap's effect often
   * starts a frame or two late (a transition, a fetch), and a scroll fling keeps moving without
   * new input.
   */
  activeHoldMs: number;
  /**
   * Interval of the no-screenshot probe on a page that stands still. Measured on a static 720p
   * page (Chromium's CPU, 2-core box): no calls 0.4 %, a probe every 33 ms 2.3 %, 100 ms 1.1 %,
   * 250 ms 0.4 %; a screenshot every 33 ms 39 %, every 250 ms 8.9 %. A change not caused by
   * input (a clock, a carousel starting) shows at most this late: 100 ms is below what a viewer
   * notices for such changes, at ≈ 0.7 % more than 250 ms. Input never waits for it (poke()).
   */
  idleProbeMs: number;
  /** A call slower than this has stalled (a frame normally takes p50 19 ms). */
  callTimeoutMs: number;
  /** A page that gave no frame for this many call time-outs is given up and reopened. */
  maxStalls: number;
}

const DEFAULT_BEGIN_FRAME_TIMING: BeginFrameTiming = {
  activeHoldMs: 500,
  idleProbeMs: 100,
  callTimeoutMs: 2_000,
  maxStalls: 3,
};

/** After a call failed (not stalled), the next one waits this long: a navigating page refuses a few. */
const ERROR_BACKOFF_MS = 50;

export interface BeginFrameOptions {
  cdp: CDPSession;
  /** A fresh CDP session to the same page, for recovery after a stalled call. */
  reattach?: () => Promise<CDPSession>;
  viewport: { width: number; height: number };
  jpegQuality: number;
  maxFps: number;
  /** See FramePacerOptions.tailProbeMs. */
  tailProbeMs?: number;
  log: Logger;
  metrics?: Metrics;
  onFrame: (frame: I420Frame) => void;
  /** Every changed JPEG (base64, undecoded), for the WebSocket picture path. */
  onJpeg?: (jpegBase64: string) => void;
  /** The page keeps stalling even on a fresh CDP session: it has to be reopened. */
  onStalled?: () => void;
  /** Test seams. */
  clock?: PacingClock;
  decoder?: FrameDecoder;
  timing?: Partial<BeginFrameTiming>;
}

interface BeginFrameResult {
  hasDamage: boolean;
  screenshotData?: string;
}

class StallError extends Error {}

export class BeginFrameCapture implements FrameCapture {
  private readonly clock: PacingClock;
  private readonly decoder: FrameDecoder;
  private readonly timing: BeginFrameTiming;
  private readonly pacer: FramePacer;
  private readonly minIntervalMs: number;
  private cdp: CDPSession;
  private started = false;
  private closed = false;
  private inFlight = false;
  private timer: unknown = null;
  /** A poke came while a call was in flight: the next frame goes at once after it. */
  private wanted = false;
  private activeUntil = -Infinity;
  private lastCallStart = -Infinity;
  private lastJpeg: string | null = null;
  private decoding = false;
  /** A changed JPEG that came while the one before was decoding (newest only). */
  private pendingJpeg: string | null = null;
  /** Stalled calls so far (for the log). */
  private stalls = 0;
  /** When the calls began to fail (null while they answer). */
  private failingSince: number | null = null;
  readonly stats: CaptureStats = { captured: 0, decoded: 0, dropped: 0, errors: 0 };

  constructor(private readonly options: BeginFrameOptions) {
    this.cdp = options.cdp;
    this.clock = options.clock ?? systemClock;
    this.decoder = options.decoder ?? new JpegDecoder();
    this.timing = { ...DEFAULT_BEGIN_FRAME_TIMING, ...options.timing };
    this.minIntervalMs = 1000 / options.maxFps;
    this.pacer = new FramePacer({
      maxFps: options.maxFps,
      ...(options.tailProbeMs !== undefined ? { tailProbeMs: options.tailProbeMs } : {}),
      clock: this.clock,
      onFrame: options.onFrame,
      busy: () => this.decoding || this.inFlight,
    });
  }

  get lastFrame(): I420Frame | null {
    return this.pacer.lastFrame;
  }

  async start(): Promise<void> {
    this.started = true;
    this.poke();
  }

  /** Input reached the page, or is about to: a frame now, and frames at maxFps for a while. */
  poke(): void {
    if (this.closed || !this.started) return;
    this.activeUntil = this.clock.now() + this.timing.activeHoldMs;
    if (this.inFlight) {
      this.wanted = true;
      return;
    }
    this.schedule(0);
  }

  /** Screenshots have the viewport's size: the next frame after the change shows the new one. */
  async resize(): Promise<void> {
    this.lastJpeg = null;
    this.poke();
  }

  private schedule(delayMs: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        void this.tick();
      },
      Math.max(0, delayMs),
    );
  }

  private get active(): boolean {
    return this.clock.now() < this.activeUntil;
  }

  private async tick(): Promise<void> {
    if (this.closed || this.inFlight) return;
    this.inFlight = true;
    this.wanted = false;
    const shoot = this.active;
    this.lastCallStart = this.clock.now();
    let failed = false;
    try {
      const result = await this.beginFrame(shoot);
      this.failingSince = null;
      if (this.closed) return;
      if (shoot) this.handleScreenshot(result.screenshotData);
      else if (result.hasDamage) {
        // The picture changed since the last screenshot: fetch it now, not a frame later.
        this.activeUntil = this.clock.now() + this.timing.activeHoldMs;
        this.wanted = true;
      }
    } catch (err) {
      if (this.closed) return;
      failed = true;
      this.stats.errors++;
      this.failingSince ??= this.lastCallStart;
      await this.recover(err);
    } finally {
      this.inFlight = false;
    }
    if (this.closed) return;
    this.scheduleNext(failed);
  }

  private scheduleNext(failed: boolean): void {
    if (failed) return this.schedule(ERROR_BACKOFF_MS);
    // Active frames are spaced 1/maxFps from the start of the one before; a poke goes at once.
    if (this.wanted) return this.schedule(0);
    if (this.active) return this.schedule(this.lastCallStart + this.minIntervalMs - this.clock.now());
    this.schedule(this.timing.idleProbeMs);
  }

  private beginFrame(screenshot: boolean): Promise<BeginFrameResult> {
    const params = screenshot ? { screenshot: { format: "jpeg" as const, quality: this.options.jpegQuality } } : {};
    const call = (this.cdp.send as (method: string, params: unknown) => Promise<BeginFrameResult>)(
      "HeadlessExperimental.beginFrame",
      params,
    );
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(new StallError(`no answer in ${this.timing.callTimeoutMs} ms`)),
        this.timing.callTimeoutMs,
      );
    });
    // A call that answers after its time-out is dropped: a newer frame has been asked for.
    call.catch(() => {});
    return Promise.race([call, timeout]).finally(() => this.clock.clearTimeout(timer));
  }

  private handleScreenshot(data: string | undefined): void {
    // The first frames after a navigation or a resize may come without a picture.
    if (!data) return;
    this.stats.captured++;
    this.options.metrics?.framesCaptured.inc();
    if (data === this.lastJpeg) return;
    this.lastJpeg = data;
    this.activeUntil = Math.max(this.activeUntil, this.clock.now() + this.timing.activeHoldMs);
    this.options.onJpeg?.(data);
    if (this.decoding) {
      if (this.pendingJpeg !== null) {
        this.stats.dropped++;
        this.options.metrics?.framesDropped.inc();
      }
      this.pendingJpeg = data;
      return;
    }
    this.decode(data);
  }

  private decode(data: string): void {
    this.decoding = true;
    this.decoder
      .decode(Buffer.from(data, "base64"))
      .then((frame) => {
        if (this.closed) return;
        this.stats.decoded++;
        this.options.metrics?.framesDecoded.inc();
        this.pacer.push(frame);
      })
      .catch((err: unknown) => {
        this.stats.errors++;
        this.options.log.warn({ err: String(err) }, "frame decode failed");
      })
      .finally(() => {
        this.decoding = false;
        const next = this.pendingJpeg;
        this.pendingJpeg = null;
        if (next !== null && !this.closed) this.decode(next);
      });
  }

  /**
   * A stalled call gets a fresh CDP session. Until the stalled call ends, Chromium refuses every
   * other ("Another frame is pending"), so it is the time spent failing that decides: a page that
   * has not given a frame for maxStalls time-outs is handed back to be reopened.
   */
  private async recover(err: unknown): Promise<void> {
    const { reattach, onStalled, log } = this.options;
    const stalled = err instanceof StallError;
    if (stalled) {
      this.stalls++;
      this.options.metrics?.captureStalls.inc();
    }
    const failingMs = this.clock.now() - (this.failingSince ?? this.clock.now());
    if (failingMs >= this.timing.callTimeoutMs * this.timing.maxStalls || (stalled && !reattach)) {
      log.warn({ stalls: this.stalls, failingMs: Math.round(failingMs) }, "begin-frame capture gives no frames; reopening the page");
      await this.close();
      onStalled?.();
      return;
    }
    if (!stalled) return void log.debug({ err: String(err) }, "begin-frame call failed");
    log.warn({ stalls: this.stalls, timeoutMs: this.timing.callTimeoutMs }, "begin-frame call stalled; re-attaching to the page");
    const old = this.cdp;
    try {
      this.cdp = await reattach!();
    } catch (reason) {
      log.warn({ err: String(reason) }, "re-attaching the begin-frame capture failed");
    }
    if (old !== this.cdp) void old.detach().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pacer.close();
  }
}
