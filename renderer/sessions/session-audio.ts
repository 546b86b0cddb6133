/**
 * Everything one session with sound owns besides its page: a null sink, the parec capture of its
 * monitor, and a Chromium process of its own launched with PULSE_SINK set to that sink (sound
 * cannot be split between contexts of one process). Created with the session, closed with it,
 * and set up again as a whole when its Chromium or the PulseAudio daemon died.
 */
import { SharedBrowser, type ChromiumLaunch, type PageOptions, type SessionPage } from "../browser/shared-browser.js";
import type { BlockedDocument, RequestPolicy } from "../browser/navigation-guard.js";
import type { Logger } from "../log.js";
import type { AudioData } from "../media/frames.js";
import type { PulseServer } from "../audio/pulse-server.js";
import { SinkCapture } from "../audio/sink-capture.js";

export interface SessionAudioOptions {
  sessionId: string;
  pulse: Pick<PulseServer, "running" | "clientEnv" | "createSink" | "removeSink">;
  chromium: ChromiumLaunch;
  /** The URL policy its browser holds every document to, and where refusals are told. */
  policy: RequestPolicy;
  onBlocked: (blocked: BlockedDocument) => void;
  log: Logger;
  /** Where the captured 10 ms frames go, and the playing state when it changes. */
  onFrame: (frame: AudioData) => void;
  onPlaying: (playing: boolean) => void;
  /** The session's Chromium died on its own (not through close or restart). */
  onBrowserCrash: () => void;
}

/** What the sound sessions hold now, summed. */
export interface AudioCounts {
  sessions: number;
  sinks: number;
  captures: number;
  browsers: number;
}

let nextSink = 1;

export class SessionAudio {
  /** Sink names must be plain: a counter, not the session id a client may choose. */
  readonly sink = `jiomosa_session_${nextSink++}`;
  private sinkModule: number | null = null;
  private capture: SinkCapture | null = null;
  private browserPool: SharedBrowser | null = null;
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly options: SessionAudioOptions) {
    this.log = options.log.child({ module: "audio", session: options.sessionId, sink: this.sink });
  }

  /** Sink, capture and browser; on failure whatever was made is removed again. */
  async start(): Promise<void> {
    try {
      await this.setUp();
    } catch (err) {
      await this.tearDown();
      throw err;
    }
  }

  private async setUp(): Promise<void> {
    const { pulse, chromium } = this.options;
    this.sinkModule = await pulse.createSink(this.sink);
    this.capture = new SinkCapture({
      sink: this.sink,
      env: pulse.clientEnv(),
      log: this.log,
      onFrame: this.options.onFrame,
      onPlaying: this.options.onPlaying,
    });
    this.capture.start();
    // PULSE_LATENCY_MSEC: Chromium's playback buffer in the sink; libpulse's default (≈ 2 s
    // allowed, ≈ 100 ms seen) doubled the tone-to-tablet latency (bench:audio: 204 → 103 ms p50).
    const browser = new SharedBrowser({
      ...chromium,
      policy: this.options.policy,
      log: this.log,
      soundEnv: { ...pulse.clientEnv(), PULSE_SINK: this.sink, PULSE_LATENCY_MSEC: "20" },
      onBlocked: this.options.onBlocked,
      // A browser replaced by restart() or closed with the session dies on purpose.
      onCrash: () => {
        if (!this.closed && this.browserPool === browser) this.options.onBrowserCrash();
      },
    });
    this.browserPool = browser;
    await browser.start();
  }

  private async tearDown(): Promise<void> {
    const browser = this.browserPool;
    const capture = this.capture;
    const sinkModule = this.sinkModule;
    this.browserPool = null;
    this.capture = null;
    this.sinkModule = null;
    await Promise.all([browser?.close(), capture?.close()]);
    if (sinkModule !== null) {
      await this.options.pulse.removeSink(sinkModule).catch((err: unknown) => {
        // The daemon may have died and taken the sink with it.
        if (this.options.pulse.running) this.log.warn({ err: String(err) }, "could not remove the sink");
      });
    }
  }

  /** The session's page, in the session's own browser. */
  newPage(options: PageOptions): Promise<SessionPage> {
    if (!this.browserPool) throw new Error("the session's sound browser is not running");
    return this.browserPool.newPage(options);
  }

  /** Sets everything up again (after the browser or the daemon died); the caller then rebuilds the page. */
  async restart(): Promise<void> {
    if (this.closed) return;
    this.log.warn("setting the session's sound up again");
    await this.tearDown();
    if (this.closed) return;
    await this.start();
  }

  get playing(): boolean {
    return this.capture?.playing ?? false;
  }

  /** What exists now, for /api/info and the tests that check nothing is left behind. */
  parts(): { sink: boolean; capture: boolean; browser: boolean } {
    return { sink: this.sinkModule !== null, capture: this.capture?.running ?? false, browser: this.browserPool?.connected ?? false };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tearDown();
    this.log.info("session sound removed");
  }
}

/** Sums the parts of every session's sound (null: a session without sound). */
export function countAudioParts(audios: Iterable<Pick<SessionAudio, "parts"> | null>): AudioCounts {
  const counts: AudioCounts = { sessions: 0, sinks: 0, captures: 0, browsers: 0 };
  for (const audio of audios) {
    if (!audio) continue;
    const parts = audio.parts();
    counts.sessions++;
    if (parts.sink) counts.sinks++;
    if (parts.capture) counts.captures++;
    if (parts.browser) counts.browsers++;
  }
  return counts;
}
