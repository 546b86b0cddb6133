/** What a session needs from a capture method: frames in, newest frame kept, counters. */
import type { I420Frame } from "../media/frames.js";

export interface CaptureStats {
  captured: number;
  decoded: number;
  dropped: number;
  errors: number;
}

export interface FrameCapture {
  readonly lastFrame: I420Frame | null;
  readonly stats: CaptureStats;
  start(): Promise<void>;
  resize(viewport: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
}

/** Turns a JPEG into a frame; the real one is libjpeg-turbo off the event loop. */
export interface FrameDecoder {
  decode(jpegData: Buffer): Promise<I420Frame>;
}
