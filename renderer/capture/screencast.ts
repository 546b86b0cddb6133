/**
 * One page's picture: CDP `Page.startScreencast` (JPEG, sent only when the page changes) →
 * newest frame only → JPEG decoded off the event loop → I420 frames for the peers.
 * Each frame is acknowledged at once so Chromium never waits on us; frames that arrive while
 * one is decoding replace each other, so a slow moment drops frames instead of queueing them.
 */
import type { CDPSession } from "playwright-core";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { DEFAULT_TAIL_PROBE_MS, type I420Frame } from "../media/frames.js";
import type { CaptureStats, FrameCapture } from "./frame-capture.js";
import { JpegDecoder } from "./jpeg-decoder.js";

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

const systemClock: PacingClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  // Unref'd: the re-push alone must not keep the process alive.
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Turns a JPEG into a frame; the real one is libjpeg-turbo off the event loop. */
export interface FrameDecoder {
  decode(jpegData: Buffer): Promise<I420Frame>;
}

export interface ScreencastOptions {
  cdp: CDPSession;
  viewport: { width: number; height: number };
  jpegQuality: number;
  maxFps: number;
  /** Push a changed frame once more this soon when nothing newer came (0: off). */
  tailProbeMs?: number;
  log: Logger;
  metrics?: Metrics;
  onFrame: (frame: I420Frame) => void;
  /** Every captured JPEG (base64, undecoded), for the WebSocket picture path. */
  onJpeg?: (jpegBase64: string) => void;
  /** Test seams: default the system clock and JpegDecoder. */
  clock?: PacingClock;
  decoder?: FrameDecoder;
}

interface ScreencastFrameEvent {
  data: string;
  sessionId: number;
}

export class ScreencastCapture implements FrameCapture {
  private readonly decoder: FrameDecoder;
  private readonly clock: PacingClock;
  private pending: string | null = null;
  private decoding = false;
  private closed = false;
  private lastDecodeStart = 0;
  private lastEmit = 0;
  private pumpTimer: unknown = null;
  private readonly repushTimer: unknown;
  /** A frame held back so frames reach the encoder at most maxFps apart (closer ones it drops). */
  private held: I420Frame | null = null;
  private heldTimer: unknown = null;
  private settleTimer: unknown = null;
  private probeTimer: unknown = null;
  /** Counts fresh frames delivered, so a later push knows whether a newer one went out. */
  private freshDelivered = 0;
  private viewport: { width: number; height: number };
  private readonly minIntervalMs: number;
  private readonly onScreencastFrame = (event: ScreencastFrameEvent) => this.handleFrame(event);
  lastFrame: I420Frame | null = null;
  readonly stats: CaptureStats = { captured: 0, decoded: 0, dropped: 0, errors: 0 };

  constructor(private readonly options: ScreencastOptions) {
    this.viewport = options.viewport;
    this.minIntervalMs = 1000 / options.maxFps;
    this.clock = options.clock ?? systemClock;
    this.decoder = options.decoder ?? new JpegDecoder();
    options.cdp.on("Page.screencastFrame", this.onScreencastFrame);
    this.repushTimer = this.clock.setInterval(() => this.repush(), REPUSH_INTERVAL_MS);
  }

  async start(): Promise<void> {
    await this.options.cdp.send("Page.startScreencast", {
      format: "jpeg",
      quality: this.options.jpegQuality,
      // Frame pixels equal the viewport's CSS pixels, so input coordinates stay 1:1.
      maxWidth: this.viewport.width,
      maxHeight: this.viewport.height,
      everyNthFrame: 1,
    });
  }

  /** Restarts the screencast at a new size (the page's viewport changed). */
  async resize(viewport: { width: number; height: number }): Promise<void> {
    this.viewport = viewport;
    await this.options.cdp.send("Page.stopScreencast").catch(() => {});
    if (!this.closed) await this.start();
  }

  private handleFrame(event: ScreencastFrameEvent): void {
    // Acknowledge first and without awaiting: Chromium sends the next frame only after the ack.
    this.options.cdp.send("Page.screencastFrameAck", { sessionId: event.sessionId }).catch(() => {});
    if (this.closed) return;
    this.stats.captured++;
    this.options.metrics?.framesCaptured.inc();
    this.options.onJpeg?.(event.data);
    if (this.pending !== null) {
      this.stats.dropped++;
      this.options.metrics?.framesDropped.inc();
    }
    this.pending = event.data;
    this.pump();
  }

  private pump(): void {
    if (this.decoding || this.pending === null || this.closed || this.pumpTimer) return;
    const wait = this.lastDecodeStart + this.minIntervalMs - this.clock.now();
    if (wait > 1) {
      this.pumpTimer = this.clock.setTimeout(() => {
        this.pumpTimer = null;
        this.pump();
      }, wait);
      return;
    }
    const data = this.pending;
    this.pending = null;
    this.decoding = true;
    this.lastDecodeStart = this.clock.now();
    this.decoder
      .decode(Buffer.from(data, "base64"))
      .then((frame) => {
        if (this.closed) return;
        this.stats.decoded++;
        this.options.metrics?.framesDecoded.inc();
        this.emit(frame);
      })
      .catch((err: unknown) => {
        this.stats.errors++;
        this.options.log.warn({ err: String(err) }, "frame decode failed");
      })
      .finally(() => {
        this.decoding = false;
        this.pump();
      });
  }

  /**
   * Hands a frame to the peers, never sooner than 1/maxFps after the previous one: libwebrtc drops
   * frames that come faster than the encoding's maxFramerate, and on a static page a dropped frame
   * (often the one showing a tap's effect, arriving right after a re-push) stayed unseen until the
   * next re-push, a second later.
   */
  private emit(frame: I420Frame, fresh = true): void {
    if (fresh) this.lastFrame = frame;
    const wait = this.lastEmit + this.minIntervalMs - this.clock.now();
    if (wait > 0) {
      this.held = frame;
      this.heldTimer ??= this.clock.setTimeout(() => {
        this.heldTimer = null;
        const held = this.held;
        this.held = null;
        if (held && !this.closed) this.deliver(held, held === this.lastFrame);
      }, wait);
      return;
    }
    this.deliver(frame, fresh);
  }

  private deliver(frame: I420Frame, fresh: boolean): void {
    this.lastEmit = this.clock.now();
    this.options.onFrame(frame);
    if (!fresh) return;
    const seq = ++this.freshDelivered;
    const again = () => {
      if (seq === this.freshDelivered && this.lastFrame && !this.decoding && !this.held && !this.closed)
        this.deliver(this.lastFrame, false);
    };
    if (this.settleTimer) this.clock.clearTimeout(this.settleTimer);
    this.settleTimer = this.clock.setTimeout(() => {
      this.settleTimer = null;
      again();
    }, SETTLE_REPUSH_MS);
    const probeMs = this.options.tailProbeMs ?? DEFAULT_TAIL_PROBE_MS;
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (probeMs > 0 && probeMs < SETTLE_REPUSH_MS) {
      // Never closer than 1/maxFps to the frame before: the encoder would drop it.
      this.probeTimer = this.clock.setTimeout(
        () => {
          this.probeTimer = null;
          again();
        },
        Math.max(probeMs, this.minIntervalMs),
      );
    }
  }

  private repush(): void {
    if (this.lastFrame && !this.decoding && !this.held && this.clock.now() - this.lastEmit >= REPUSH_INTERVAL_MS)
      this.emit(this.lastFrame, false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearInterval(this.repushTimer);
    if (this.pumpTimer) this.clock.clearTimeout(this.pumpTimer);
    if (this.heldTimer) this.clock.clearTimeout(this.heldTimer);
    if (this.settleTimer) this.clock.clearTimeout(this.settleTimer);
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.options.cdp.off("Page.screencastFrame", this.onScreencastFrame);
    await this.options.cdp.send("Page.stopScreencast").catch(() => {});
  }
}
