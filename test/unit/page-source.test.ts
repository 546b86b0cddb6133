/**
 * Where a session's page comes from, on the paths that need no Chromium or PulseAudio: the shared
 * browser, and every way sound can be missing. The sound session proper (its own Chromium playing
 * into its sink) runs in the e2e audio test.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PageOptions, SessionPage } from "../../renderer/browser/shared-browser.js";
import { AppError } from "../../renderer/errors.js";
import { createLogger } from "../../renderer/log.js";
import { PageSource, type PageSourceOptions } from "../../renderer/sessions/page-source.js";
import { countAudioParts, SessionAudio, type SessionAudioOptions } from "../../renderer/sessions/session-audio.js";
import { SessionViewers } from "../../renderer/sessions/session-viewers.js";

const log = createLogger("silent");
const pageOptions: PageOptions = { viewport: { width: 800, height: 600 }, mobile: false };

/** The shared browser as the page source sees it: pages it handed out, and whether it runs. */
function sharedBrowser(connected = true) {
  const opened: PageOptions[] = [];
  return {
    opened,
    connected,
    newPage(options: PageOptions): Promise<SessionPage> {
      opened.push(options);
      // The source hands the page on untouched; which object it is tells where it came from.
      return Promise.resolve({ context: {}, page: { from: "shared" } } as unknown as SessionPage);
    },
  };
}

/** A PulseAudio that answers but cannot make sinks (out of modules, or dying as asked). */
function refusingPulse(running = true): SessionAudioOptions["pulse"] {
  return {
    running,
    clientEnv: () => ({ PULSE_SERVER: "unix:/nonexistent" }),
    createSink: () => Promise.reject(new Error("pactl: Module initialization failed")),
    removeSink: () => Promise.resolve(),
  };
}

function source(overrides: Partial<PageSourceOptions> = {}) {
  const browser = sharedBrowser();
  const crashes: string[] = [];
  const pages = new PageSource({
    browser,
    chromium: { executablePath: "/usr/bin/chromium", args: [], sandbox: "auto", proxyPort: 1 },
    pulse: null,
    audioUnavailable: null,
    policy: { checkUrl: () => Promise.resolve(null), selfOrigins: [] },
    onBlocked: () => {},
    onSoundBrowserCrash: (id) => crashes.push(id),
    log,
    ...overrides,
  });
  return { pages, browser, crashes };
}

describe("page source", () => {
  it("opens a session without sound in the shared browser, at the session's size", async () => {
    const { pages, browser } = source();
    const opened = await pages.open("s1", false, pageOptions, new SessionViewers());
    assert.deepEqual(opened.page.page, { from: "shared" });
    assert.equal(opened.audio, null);
    assert.equal(opened.audioUnavailable, undefined);
    assert.deepEqual(browser.opened, [pageOptions]);
  });

  it("refuses with browser_unavailable while the shared browser is down", async () => {
    const { pages } = source({ browser: sharedBrowser(false) });
    await assert.rejects(
      pages.open("s1", false, pageOptions, new SessionViewers()),
      (err: unknown) => err instanceof AppError && err.reason === "browser_unavailable",
    );
  });

  it("opens a sound kiosk silently when PulseAudio could not start, and says why", async () => {
    const { pages, browser } = source({ audioUnavailable: "could not run /usr/bin/pulseaudio" });
    const opened = await pages.open("s1", true, pageOptions, new SessionViewers());
    assert.equal(opened.audio, null);
    assert.equal(opened.audioUnavailable, "This page has no sound: could not run /usr/bin/pulseaudio.");
    assert.equal(browser.opened.length, 1);
    assert.deepEqual(pages.availability(), { available: false, reason: "could not run /usr/bin/pulseaudio" });
  });

  it("opens a sound kiosk silently while the sound server is down", async () => {
    const { pages } = source({ pulse: refusingPulse(false) });
    const opened = await pages.open("s1", true, pageOptions, new SessionViewers());
    assert.equal(opened.audioUnavailable, "This page has no sound: the sound server is not running.");
    assert.deepEqual(pages.availability(), { available: true });
  });

  it("opens a sound kiosk silently in the shared browser when its sink cannot be made", async () => {
    const { pages, browser, crashes } = source({ pulse: refusingPulse() });
    const opened = await pages.open("s1", true, pageOptions, new SessionViewers());
    assert.equal(opened.audio, null);
    assert.equal(opened.audioUnavailable, "This page has no sound: the sound could not be set up on the appliance.");
    assert.deepEqual(opened.page.page, { from: "shared" });
    assert.equal(browser.opened.length, 1);
    assert.deepEqual(crashes, [], "a sound browser that never started did not crash");
  });

  it("says where no kiosk wants sound", () => {
    const { pages } = source();
    assert.deepEqual(pages.availability(), { available: false, reason: "no kiosk has audio: true (and audio.default is false)" });
  });
});

describe("session sound", () => {
  it("leaves nothing behind when its sink cannot be made, and closes twice safely", async () => {
    const audio = new SessionAudio({
      sessionId: "s1",
      pulse: refusingPulse(),
      chromium: { executablePath: "/usr/bin/chromium", args: [], sandbox: "auto", proxyPort: 1 },
      policy: { checkUrl: () => Promise.resolve(null), selfOrigins: [] },
      onBlocked: () => {},
      log,
      onFrame: () => {},
      onPlaying: () => {},
      onBrowserCrash: () => {},
    });
    await assert.rejects(audio.start(), /Module initialization failed/);
    assert.deepEqual(audio.parts(), { sink: false, capture: false, browser: false });
    assert.equal(audio.playing, false);
    assert.throws(() => audio.newPage(pageOptions), /sound browser is not running/);
    await audio.close();
    await audio.close();
  });

  it("sums what every sound session holds, skipping sessions without sound", () => {
    const holding = (sink: boolean, capture: boolean, browser: boolean) => ({ parts: () => ({ sink, capture, browser }) });
    assert.deepEqual(countAudioParts([holding(true, true, true), null, holding(true, false, true), holding(false, false, false)]), {
      sessions: 3,
      sinks: 2,
      captures: 1,
      browsers: 2,
    });
    assert.deepEqual(countAudioParts([]), { sessions: 0, sinks: 0, captures: 0, browsers: 0 });
  });
});
