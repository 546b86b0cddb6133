/**
 * JPEG → I420 off the event loop: libjpeg-turbo decodes on libuv's thread pool (≈2 ms a 720p
 * frame); the RGBA → I420 step is libyuv (≈1 ms). Frames are decoded one at a time, so one
 * preallocated RGBA buffer serves every frame of a given size.
 */
import { createRequire } from "node:module";
import { type I420Frame, i420Size } from "../media/frames.js";
import { wrtc } from "../media/wrtc.js";

interface JpegTurbo {
  FORMAT_RGBA: number;
  decompress(image: Buffer, out: Buffer, options: { format: number }): Promise<{ data: Buffer; width: number; height: number }>;
}

const require = createRequire(import.meta.url);
const jpeg = require("@julusian/jpeg-turbo") as JpegTurbo;

/** Largest frame we will decode (4K): guards the preallocated buffer against a bogus header. */
const MAX_PIXELS = 3840 * 2160;

export class JpegDecoder {
  private rgba: Buffer = Buffer.allocUnsafeSlow(0);

  /** Decodes one JPEG into a fresh I420 frame (fresh, so viewers may hold the previous one). */
  async decode(jpegData: Buffer): Promise<I420Frame> {
    const size = JpegDecoder.dimensions(jpegData);
    if (!size) throw new Error("not a baseline/progressive JPEG (no SOF marker)");
    const { width, height } = size;
    if (width * height > MAX_PIXELS || width <= 0 || height <= 0) throw new Error(`frame size ${width}x${height} out of range`);
    if (width % 2 !== 0 || height % 2 !== 0) throw new Error(`frame size ${width}x${height} is odd; I420 needs even dimensions`);
    const rgbaBytes = width * height * 4;
    // A buffer of its own (not a pool slice): rgbaToI420 reads the whole underlying ArrayBuffer.
    if (this.rgba.length !== rgbaBytes) this.rgba = Buffer.allocUnsafeSlow(rgbaBytes);
    await jpeg.decompress(jpegData, this.rgba, { format: jpeg.FORMAT_RGBA });
    const i420: I420Frame = { width, height, data: new Uint8Array(i420Size(width, height)) };
    wrtc.nonstandard.rgbaToI420({ width, height, data: this.rgba }, i420);
    return i420;
  }

  /** Reads width and height from a JPEG's SOF marker without decoding it. */
  static dimensions(data: Buffer): { width: number; height: number } | null {
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return null;
      const marker = data[i + 1]!; // i + 9 < length
      const length = data.readUInt16BE(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
    return null;
  }
}
