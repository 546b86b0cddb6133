/**
 * Which browser the sessions share, decided once at start from `video.capture`:
 *   beginframe  Debian's chromium-headless-shell with begin-frame control, or the start fails
 *   auto        the same when the shell is installed and a probe page returns a frame, else full
 *               Chromium with screencast and a one-line warning
 *   screencast, screenshot  full Chromium
 * One browser for all sessions in either mode: the capture is one setting for the whole
 * appliance, and a second browser would cost ≈ 150 MB and a second relaunch path for nothing.
 * Sound sessions' own browsers are launched the same way (`launch`): the headless shell plays
 * into PulseAudio like full Chromium (checked with a WebAudio tone and `pactl list sink-inputs`).
 */
import { existsSync } from "node:fs";
import type { CaptureMethod, CaptureSetting } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { ChromiumLaunch, SharedBrowser } from "./shared-browser.js";

/** A probe page must return a frame this soon (a begin-frame normally takes ≈ 20 ms). */
const BEGIN_FRAME_PROBE_TIMEOUT_MS = 10_000;

export class CaptureChoiceError extends Error {}

export interface CaptureChoiceOptions {
  capture: CaptureSetting;
  chromium: ChromiumLaunch;
  headlessShellPath: string;
  /** Makes (does not start) the shared browser from a launch. */
  makeBrowser: (launch: ChromiumLaunch) => SharedBrowser;
  log: Logger;
}

export interface CaptureChoice {
  browser: SharedBrowser;
  /** The capture in use: `auto` decided. */
  capture: CaptureMethod;
  /** How the browser was launched: sound sessions launch theirs the same way. */
  launch: ChromiumLaunch;
}

/** Starts the shared browser for the configured capture; throws what start() throws for full Chromium. */
export async function startCaptureBrowser(options: CaptureChoiceOptions): Promise<CaptureChoice> {
  const { capture, chromium, headlessShellPath, makeBrowser, log } = options;
  const fullChromium = { ...chromium, beginFrameControl: false };
  const beginFrame = { ...chromium, executablePath: headlessShellPath, beginFrameControl: true };
  if (capture === "screencast" || capture === "screenshot")
    return { browser: await started(makeBrowser(fullChromium)), capture, launch: fullChromium };
  const why = await (async (): Promise<{ reason: string } | { browser: SharedBrowser }> => {
    if (!existsSync(headlessShellPath))
      return { reason: `${headlessShellPath} is not installed (apt-get install chromium-headless-shell, or run \`npm start\` as root)` };
    const browser = makeBrowser(beginFrame);
    try {
      await browser.start();
    } catch (err) {
      await browser.close();
      return { reason: `${headlessShellPath} did not start: ${String((err as Error).message ?? err).split("\n")[0]}` };
    }
    const failed = await browser.probeBeginFrame(BEGIN_FRAME_PROBE_TIMEOUT_MS);
    if (failed === null) return { browser };
    await browser.close();
    return { reason: `a begin-frame probe page in ${headlessShellPath} failed: ${failed}` };
  })();
  if ("browser" in why) return { browser: why.browser, capture: "beginframe", launch: beginFrame };
  if (capture === "beginframe") throw new CaptureChoiceError(`video.capture: beginframe cannot work here: ${why.reason}`);
  log.warn({ reason: why.reason }, "video.capture auto: begin-frame capture unavailable, using screencast");
  return { browser: await started(makeBrowser(fullChromium)), capture: "screencast", launch: fullChromium };
}

async function started(browser: SharedBrowser): Promise<SharedBrowser> {
  await browser.start();
  return browser;
}
