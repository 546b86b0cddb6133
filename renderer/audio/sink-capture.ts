/**
 * Reads one session's sink monitor with `parec` as raw 48 kHz 16-bit mono PCM and cuts it into
 * exact 10 ms frames, the unit WebRTC's audio source takes. Also tells whether the page is playing
 * sound (level above silence, with a hangover so a pause between words is not "stopped").
 * Restarted (with backoff) if parec dies while its session lives.
 */
import { Backoff } from "../process/backoff.js";
import { SupervisedProcess } from "../process/supervised-process.js";
import type { Logger } from "../log.js";
import type { AudioData } from "../media/frames.js";
import { CHANNELS, SAMPLE_RATE } from "./pulse-server.js";

const PAREC_PATH = "/usr/bin/parec";
/** Samples per channel in one 10 ms frame. */
const FRAME_SAMPLES = SAMPLE_RATE / 100;
const FRAME_BYTES = FRAME_SAMPLES * CHANNELS * 2;
/** parec's buffer: small enough to add little latency, large enough not to wake 1000×/s. */
const CAPTURE_LATENCY_MS = 10;
/** A sample above this magnitude (≈ −66 dBFS) is sound; Chromium writes exact zeros when silent. */
const SOUND_THRESHOLD = 16;
/** Silence this long ends "playing". */
const PLAYING_HANGOVER_MS = 1000;
const RESTART_FIRST_DELAY_MS = 250;
const RESTART_MAX_DELAY_MS = 5_000;
/** A capture that ran this long is healthy again: the next failure restarts quickly. */
const HEALTHY_AFTER_MS = 10_000;
const STOP_TIMEOUT_MS = 2_000;

export interface SinkCaptureOptions {
  /** The sink whose `.monitor` source is read. */
  sink: string;
  env: Record<string, string>;
  log: Logger;
  /** One 10 ms frame, ready for RTCAudioSource.onData; the receiver may keep it. */
  onFrame: (frame: AudioData) => void;
  onPlaying: (playing: boolean) => void;
}

export class SinkCapture {
  private readonly parec: SupervisedProcess;
  /** Bytes of a frame not yet complete (a read seldom ends on a frame boundary). */
  private readonly partial = Buffer.alloc(FRAME_BYTES);
  private partialBytes = 0;
  private lastSoundAt = 0;
  private playingNow = false;

  constructor(private readonly options: SinkCaptureOptions) {
    const args = [
      `--device=${options.sink}.monitor`,
      "--raw",
      "--format=s16le",
      `--rate=${SAMPLE_RATE}`,
      `--channels=${CHANNELS}`,
      `--latency-msec=${CAPTURE_LATENCY_MS}`,
    ];
    this.parec = new SupervisedProcess({
      name: "parec",
      command: PAREC_PATH,
      args: () => args,
      env: { ...process.env, ...options.env },
      log: options.log,
      backoff: new Backoff({ initialMs: RESTART_FIRST_DELAY_MS, factor: 2, maxMs: RESTART_MAX_DELAY_MS, stableAfterMs: HEALTHY_AFTER_MS }),
      parentExitSignal: "SIGKILL",
      stopGraceMs: STOP_TIMEOUT_MS,
      onStdout: (chunk) => this.take(chunk),
      // parec says nothing while it works; what it says before dying is reported with the exit.
      onLine: () => {},
      onExit: ({ code, signal, stderr, restartInMs }) => {
        this.options.log.error({ code, signal, stderr: stderr.slice(-500), retryInMs: restartInMs }, "audio capture stopped; restarting");
        this.partialBytes = 0;
      },
    });
  }

  get running(): boolean {
    return this.parec.running;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  start(): void {
    this.parec.start();
  }

  private take(chunk: Buffer): void {
    let offset = 0;
    if (this.partialBytes > 0) {
      const n = Math.min(FRAME_BYTES - this.partialBytes, chunk.length);
      chunk.copy(this.partial, this.partialBytes, 0, n);
      this.partialBytes += n;
      offset = n;
      if (this.partialBytes < FRAME_BYTES) return;
      this.emit(this.partial, 0);
      this.partialBytes = 0;
    }
    while (chunk.length - offset >= FRAME_BYTES) {
      this.emit(chunk, offset);
      offset += FRAME_BYTES;
    }
    if (offset < chunk.length) {
      chunk.copy(this.partial, 0, offset);
      this.partialBytes = chunk.length - offset;
    }
  }

  /** Copies one frame into an aligned buffer of its own (wrtc reads the whole backing buffer). */
  private emit(source: Buffer, offset: number): void {
    const start = source.byteOffset + offset;
    const samples = new Int16Array(source.buffer.slice(start, start + FRAME_BYTES));
    const now = Date.now();
    let loud = false;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      if (s > SOUND_THRESHOLD || s < -SOUND_THRESHOLD) {
        loud = true;
        break;
      }
    }
    if (loud) this.lastSoundAt = now;
    const playing = now - this.lastSoundAt < PLAYING_HANGOVER_MS;
    if (playing !== this.playingNow) {
      this.playingNow = playing;
      this.options.onPlaying(playing);
    }
    this.options.onFrame({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: CHANNELS, numberOfFrames: FRAME_SAMPLES });
  }

  async close(): Promise<void> {
    await this.parec.close();
  }
}
