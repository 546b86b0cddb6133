/**
 * Listens to the audio track a stream client (stream-client.ts) received: WebAudio's
 * AnalyserNode on the remote track, in the client Chromium, as a tablet would hear it.
 */
import type { Page } from "playwright-core";

export interface Spectrum {
  /** Audio tracks in the received MediaStream. */
  audioTracks: number;
  /** The loudest frequency (Hz) and its level (dB); null without a track. */
  peakHz: number | null;
  peakDb: number | null;
  /** Level (dB) at each asked frequency. */
  levels: Record<number, number>;
}

/**
 * Starts analysing the stream's audio track (if any) into `window.__audio.analyser`; call once per
 * page. A long FFT resolves tones; a short one (256) tells when sound starts.
 */
export async function listen(page: Page, fftSize = 8192): Promise<number> {
  return page.evaluate((size) => {
    const state = (window as unknown as { __stream: { video: HTMLVideoElement } }).__stream;
    const stream = state.video.srcObject as MediaStream;
    const track = stream.getAudioTracks()[0];
    if (!track) return 0;
    // Chromium feeds a remote track to WebAudio only while a media element plays it.
    const element = new Audio();
    element.muted = true;
    element.srcObject = new MediaStream([track]);
    void element.play().catch(() => {});
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = size;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    (window as unknown as { __audio: unknown }).__audio = { context, analyser, element };
    return stream.getAudioTracks().length;
  }, fftSize);
}

/** One spectrum of the last ~170 ms of received sound. */
export async function spectrum(page: Page, frequencies: number[]): Promise<Spectrum> {
  return page.evaluate((freqs) => {
    const state = (window as unknown as { __stream: { video: HTMLVideoElement } }).__stream;
    const audioTracks = (state.video.srcObject as MediaStream).getAudioTracks().length;
    const audio = (window as unknown as { __audio?: { context: AudioContext; analyser: AnalyserNode } }).__audio;
    if (!audio) return { audioTracks, peakHz: null, peakDb: null, levels: {} };
    const { context, analyser } = audio;
    const data = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(data);
    const binHz = context.sampleRate / analyser.fftSize;
    let peak = 1;
    for (let i = 2; i < data.length; i++) if (data[i] > data[peak]) peak = i;
    const levels: Record<number, number> = {};
    for (const f of freqs) {
      // The strongest of the three bins around f (a tone sits between bins).
      const center = Math.round(f / binHz);
      levels[f] = Math.max(data[center - 1], data[center], data[center + 1]);
    }
    return { audioTracks, peakHz: peak * binHz, peakDb: data[peak], levels };
  }, frequencies);
}

/**
 * Polls until the loudest received frequency is `hz` (± 15 Hz), clearly above silence, and each of
 * `others` at least 20 dB below it (a mix of two tones never gets there). A moment of concealment
 * in the jitter buffer of a busy machine may blur one spectrum; the next one counts.
 */
export async function waitForTone(page: Page, hz: number, others: number[] = [], timeoutMs = 20_000): Promise<Spectrum> {
  const deadline = Date.now() + timeoutMs;
  let last: Spectrum | null = null;
  while (Date.now() < deadline) {
    last = await spectrum(page, [hz, ...others]);
    const own = last.levels[hz];
    if (
      last.peakHz !== null &&
      Math.abs(last.peakHz - hz) <= 15 &&
      (last.peakDb ?? -Infinity) > -60 &&
      others.every((f) => own - last!.levels[f] > 20)
    )
      return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`no ${hz} Hz tone in the received audio within ${timeoutMs} ms; last spectrum: ${JSON.stringify(last)}`);
}
