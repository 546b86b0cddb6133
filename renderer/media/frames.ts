/**
 * The media the renderer moves: video frames from capture and audio frames from the sound
 * capture, both handed to WebRTC. Plain data, so capture and audio need not load the binding.
 */

export interface I420Frame {
  width: number;
  height: number;
  /** Exactly width*height*1.5 bytes, in a buffer of its own (wrtc ignores byteOffset). */
  data: Uint8Array;
}

/** Bytes of an I420 frame of the given (even) size. */
export function i420Size(width: number, height: number): number {
  return width * height * 1.5;
}

/** One 10 ms block of 16-bit PCM for RTCAudioSource.onData. */
export interface AudioData {
  samples: Int16Array;
  sampleRate: number;
  bitsPerSample: 16;
  channelCount: number;
  numberOfFrames: number;
}

/**
 * On a lossy link the changed frame's last packet can be lost, and the viewer cannot know (so
 * cannot NACK) until a later packet arrives: on a static page that was the settle re-push. A tiny
 * delta frame this soon after a change reveals the gap a round trip sooner ("tail-probe" in
 * link-tuning.ts; 0 turns it off).
 */
export const DEFAULT_TAIL_PROBE_MS = 40;
