/**
 * One page's picture: CDP `Page.startScreencast` (JPEG, sent only when the page changes) →
 * newest frame only → JPEG decoded off the event loop → I420 frames for the peers.
 * Each frame is acknowledged at once so Chromium never waits on us; frames that arrive while
 * one is decoding replace each other, so a slow moment drops frames instead of queueing them.
 */
import type { CDPSession } from "playwright-core";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { I420Frame } from "../media/frames.js";
import type { CaptureStats, FrameCapture, FrameDecoder } from "./frame-capture.js";
import { FramePacer, type PacingClock, systemClock } from "./frame-pacer.js";
import { JpegDecoder } from "./jpeg-decoder.js";

// The pacing's names, from where the screencast's tests and callers have always found them.
export { type PacingClock, REPUSH_INTERVAL_MS, SETTLE_REPUSH_MS } from "./frame-pacer.js";

export type { FrameDecoder } from "./frame-capture.js";

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
  private pumpTimer: unknown = null;
  private readonly pacer: FramePacer;
  private viewport: { width: number; height: number };
  private readonly minIntervalMs: number;
  private readonly onScreencastFrame = (event: ScreencastFrameEvent) => this.handleFrame(event);
  readonly stats: CaptureStats = { captured: 0, decoded: 0, dropped: 0, errors: 0 };

  constructor(private readonly options: ScreencastOptions) {
    this.viewport = options.viewport;
    this.minIntervalMs = 1000 / options.maxFps;
    this.clock = options.clock ?? systemClock;
    this.decoder = options.decoder ?? new JpegDecoder();
    this.pacer = new FramePacer({
      maxFps: options.maxFps,
      ...(options.tailProbeMs !== undefined ? { tailProbeMs: options.tailProbeMs } : {}),
      clock: this.clock,
      onFrame: options.onFrame,
      busy: () => this.decoding,
    });
    options.cdp.on("Page.screencastFrame", this.onScreencastFrame);
  }

  get lastFrame(): I420Frame | null {
    return this.pacer.lastFrame;
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
        this.pacer.push(frame);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pacer.close();
    if (this.pumpTimer) this.clock.clearTimeout(this.pumpTimer);
    this.options.cdp.off("Page.screencastFrame", this.onScreencastFrame);
    await this.options.cdp.send("Page.stopScreencast").catch(() => {});
  }
}
