/**
 * Brings sessions back after a browser died: the shared Chromium is relaunched and every session
 * without sound is put on a fresh page at its last URL; a sound session's own Chromium (or its
 * sink, after PulseAudio restarted) is made again for that session alone. Viewers keep their
 * peers, so their pictures resume without a rejoin.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { SharedBrowser } from "../browser/shared-browser.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Session } from "./session.js";

const RELAUNCH_FIRST_DELAY_MS = 500;
const RELAUNCH_MAX_DELAY_MS = 10_000;

export interface BrowserRecoveryOptions {
  browser: SharedBrowser;
  /** Whether pages are opened as mobile ones (config.viewport.mobile). */
  mobile: boolean;
  /** The sessions open now. */
  sessions: () => Session[];
  /** The appliance is shutting down: recovery stops. */
  closing: () => boolean;
  log: Logger;
  metrics?: Metrics;
}

export class BrowserRecovery {
  private recovering = false;
  /** Sessions whose own sound browser is being set up again (one recovery at a time each). */
  private readonly recoveringAudio = new Set<Session>();

  constructor(private readonly options: BrowserRecoveryOptions) {}

  /** Chromium died: relaunch it (backing off while it fails) and restore every session on it. */
  async recoverBrowser(): Promise<void> {
    if (this.recovering || this.options.closing()) return;
    this.recovering = true;
    const started = Date.now();
    try {
      const browser = this.options.browser;
      if (
        !(await this.retrying(
          "relaunching chromium failed",
          () => browser.start(),
          () => this.options.closing(),
        ))
      )
        return;
      this.options.metrics?.chromiumRestarts.inc();
      // Sessions with sound have a browser of their own, which did not die with this one.
      const sessions = this.options.sessions();
      await Promise.all(
        sessions
          .filter((session) => !session.audio)
          .map((session) =>
            this.reopenPage(session, browser).catch((err: unknown) =>
              this.options.log.error({ err: String(err), session: session.id }, "session could not be restored"),
            ),
          ),
      );
      this.options.log.info({ sessions: sessions.length, ms: Date.now() - started }, "chromium relaunched; sessions restored");
    } finally {
      this.recovering = false;
    }
  }

  /**
   * A session's own Chromium died, or PulseAudio restarted and took every sink with it: the
   * session's sound parts are made again and its page reopened at its last URL.
   */
  async recoverSessionAudio(session: Session): Promise<void> {
    const audio = session.audio;
    if (!audio || session.isClosed || this.options.closing() || this.recoveringAudio.has(session)) return;
    this.recoveringAudio.add(session);
    try {
      const restored = await this.retrying(
        "restoring the session's sound failed",
        async () => {
          await audio.restart();
          if (session.isClosed) return;
          this.options.metrics?.chromiumRestarts.inc();
          await this.reopenPage(session, audio);
        },
        () => session.isClosed || this.options.closing(),
        { session: session.id },
      );
      if (restored && !session.isClosed) this.options.log.info({ session: session.id }, "session sound and page restored");
    } finally {
      this.recoveringAudio.delete(session);
    }
  }

  /** PulseAudio came back after dying: every session with sound is set up again. */
  recoverAllAudio(): void {
    for (const session of this.options.sessions()) if (session.audio) void this.recoverSessionAudio(session);
  }

  /** Puts a session on a new page of `pages` at its last URL (after its browser was relaunched). */
  private reopenPage(session: Session, pages: Pick<SharedBrowser, "newPage">): Promise<void> {
    return session.rebuild(() => pages.newPage({ viewport: session.viewport, mobile: this.options.mobile }));
  }

  /** Runs `attempt` until it succeeds or `stopped()`, doubling the wait after each failure. */
  private async retrying(
    failure: string,
    attempt: () => Promise<void>,
    stopped: () => boolean,
    fields: Record<string, unknown> = {},
  ): Promise<boolean> {
    let delay = RELAUNCH_FIRST_DELAY_MS;
    while (!stopped()) {
      try {
        await attempt();
        return true;
      } catch (err) {
        this.options.log.error({ ...fields, err: String(err), retryInMs: delay }, failure);
        await sleep(delay);
        delay = Math.min(delay * 2, RELAUNCH_MAX_DELAY_MS);
      }
    }
    return false;
  }
}
