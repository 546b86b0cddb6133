/**
 * The original design's capture, kept for comparison (`video.capture: screenshot`): poll
 * `Page.captureScreenshot` as fast as the page allows (up to maxFps) and feed the same decode and
 * WebRTC path. It costs a full capture and encode per frame even when nothing changed; the bench
 * reports it next to the screencast.
 */
import type { CDPSession } from "playwright-core";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { I420Frame } from "../media/frames.js";
import type { CaptureStats, FrameCapture } from "./frame-capture.js";
import { JpegDecoder } from "./jpeg-decoder.js";

const SCREENSHOT_TIMEOUT_MS = 2_000;

export interface ScreenshotPollerOptions {
  cdp: CDPSession;
  jpegQuality: number;
  maxFps: number;
  log: Logger;
  metrics?: Metrics;
  onFrame: (frame: I420Frame) => void;
  /** Every captured JPEG (base64, undecoded), for the WebSocket picture path. */
  onJpeg?: (jpegBase64: string) => void;
}

export class ScreenshotPoller implements FrameCapture {
  private readonly decoder = new JpegDecoder();
  private closed = false;
  private loop: Promise<void> | null = null;
  lastFrame: I420Frame | null = null;
  readonly stats: CaptureStats = { captured: 0, decoded: 0, dropped: 0, errors: 0 };

  constructor(private readonly options: ScreenshotPollerOptions) {}

  async start(): Promise<void> {
    this.loop = this.run();
  }

  async resize(): Promise<void> {
    // Screenshots always have the page's current size.
  }

  private async run(): Promise<void> {
    const minIntervalMs = 1000 / this.options.maxFps;
    while (!this.closed) {
      const started = performance.now();
      try {
        // A screenshot waits for a new frame; one that never comes must not stop the stream.
        let timer: NodeJS.Timeout | undefined;
        const shot = await Promise.race([
          this.options.cdp.send("Page.captureScreenshot", { format: "jpeg", quality: this.options.jpegQuality }),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("screenshot timed out")), SCREENSHOT_TIMEOUT_MS))),
        ]).finally(() => clearTimeout(timer));
        this.stats.captured++;
        this.options.metrics?.framesCaptured.inc();
        this.options.onJpeg?.(shot.data);
        const frame = await this.decoder.decode(Buffer.from(shot.data, "base64"));
        if (this.closed) return;
        this.stats.decoded++;
        this.options.metrics?.framesDecoded.inc();
        this.lastFrame = frame;
        this.options.onFrame(frame);
      } catch (err) {
        if (this.closed) return;
        this.stats.errors++;
        this.options.log.debug({ err: String(err) }, "screenshot failed");
        await new Promise((r) => setTimeout(r, 100));
      }
      const wait = minIntervalMs - (performance.now() - started);
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop?.catch(() => {});
  }
}
