/**
 * Where a new session's page comes from. A kiosk with sound gets a sink, capture and Chromium of
 * its own (a SessionAudio) and its page in that browser; every other session, and one whose sound
 * cannot be had, gets a page in the shared browser. Sound failing never fails the session: it
 * opens silently and its viewers are told why.
 */
import type { BlockedDocument, RequestPolicy } from "../browser/navigation-guard.js";
import type { ChromiumLaunch, PageOptions, SessionPage, SharedBrowser } from "../browser/shared-browser.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { SessionAudio, type SessionAudioOptions } from "./session-audio.js";
import type { SessionViewers } from "./session-viewers.js";

export interface PageSourceOptions {
  browser: Pick<SharedBrowser, "connected" | "newPage">;
  /** How sound sessions launch their own Chromium. */
  chromium: ChromiumLaunch;
  /** The appliance's PulseAudio, when sound is configured and it runs; null otherwise. */
  pulse: SessionAudioOptions["pulse"] | null;
  /** Why sound is off although configured (PulseAudio missing or failing). */
  audioUnavailable: string | null;
  /** The document policy of a sound session's browser, and where its refusals are told. */
  policy: RequestPolicy;
  onBlocked: (blocked: BlockedDocument) => void;
  /** A sound session's own Chromium died on its own. */
  onSoundBrowserCrash: (sessionId: string, audio: SessionAudio) => void;
  log: Logger;
}

export interface OpenedPage {
  page: SessionPage;
  /** The session's own sound parts, when it has sound. */
  audio: SessionAudio | null;
  /** Sound was wanted but could not be had: what its viewers are told. */
  audioUnavailable?: string;
}

export class PageSource {
  private readonly log: Logger;

  constructor(private readonly options: PageSourceOptions) {
    this.log = options.log.child({ module: "sessions" });
  }

  /** Whether sessions can have sound, and why not. */
  availability(): { available: boolean; reason?: string } {
    if (this.options.pulse) return { available: true };
    return { available: false, reason: this.options.audioUnavailable ?? "no kiosk has audio: true (and audio.default is false)" };
  }

  /** The page of session `id`; its sound, when wanted, sends to `viewers` from the start. */
  async open(id: string, wantsAudio: boolean, pageOptions: PageOptions, viewers: SessionViewers): Promise<OpenedPage> {
    const { audio, audioUnavailable } = wantsAudio ? await this.startAudio(id, viewers) : { audio: null };
    if (audio) {
      try {
        return { page: await audio.newPage(pageOptions), audio };
      } catch (err) {
        await audio.close();
        throw err;
      }
    }
    if (!this.options.browser.connected) throw new AppError("browser_unavailable", "the browser is not running");
    const page = await this.options.browser.newPage(pageOptions);
    return audioUnavailable ? { page, audio: null, audioUnavailable } : { page, audio: null };
  }

  private async startAudio(id: string, viewers: SessionViewers): Promise<{ audio: SessionAudio | null; audioUnavailable?: string }> {
    const { pulse, audioUnavailable } = this.options;
    if (!pulse?.running)
      return { audio: null, audioUnavailable: `This page has no sound: ${audioUnavailable ?? "the sound server is not running"}.` };
    const audio: SessionAudio = new SessionAudio({
      sessionId: id,
      pulse,
      chromium: this.options.chromium,
      policy: this.options.policy,
      onBlocked: this.options.onBlocked,
      log: this.options.log,
      onFrame: (frame) => viewers.pushAudio(frame),
      onPlaying: (playing) => viewers.broadcast({ type: "audio", playing }),
      onBrowserCrash: () => this.options.onSoundBrowserCrash(id, audio),
    });
    try {
      await audio.start();
      return { audio };
    } catch (err) {
      this.log.error({ err: String(err), session: id }, "could not set up the session's sound; opening it silently");
      return { audio: null, audioUnavailable: "This page has no sound: the sound could not be set up on the appliance." };
    }
  }
}
