/**
 * The one owner of Chromium: launches Debian's /usr/bin/chromium through playwright-core and
 * hands out one isolated BrowserContext + Page per session.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Logger } from "../log.js";

/** Switches that keep Chromium quiet on an offline LAN box and smooth for streaming. */
const BASE_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  // No --disable-features here: Chromium keeps only the last one, and playwright-core passes its
  // own list (MediaRouter, OptimizationHints, … and what its Fetch interception needs).
  // Frames of other sites stay in the page's process and CDP target, so the navigation guard's
  // Fetch interception sees their document requests too (one kiosk page is one user's anyway).
  "--disable-site-isolation-trials",
  "--autoplay-policy=no-user-gesture-required",
  // Screencast frames come from the compositor: a hidden/occluded page must keep painting.
  "--disable-backgrounding-occluded-windows",
  "--disable-renderer-backgrounding",
  "--disable-background-timer-throttling",
];

const LAUNCH_TIMEOUT_MS = 60_000;

export interface BrowserPoolOptions {
  executablePath: string;
  args: string[];
  log: Logger;
  /**
   * A browser with sound: Playwright's --mute-audio is dropped and Chromium plays into the
   * PulseAudio sink these variables name (PULSE_SERVER, PULSE_SINK). Sound is per process: two
   * contexts of one Chromium cannot play into different sinks.
   */
  soundEnv?: Record<string, string>;
}

export interface SessionPage {
  context: BrowserContext;
  page: Page;
}

export interface PageOptions {
  viewport: { width: number; height: number };
  /** Mobile emulation: honours <meta name=viewport>, overlay scrollbars. Touch is always on. */
  mobile: boolean;
}

export class BrowserPool {
  private browser: Browser | null = null;
  private closing = false;
  private readonly log: Logger;
  /** Called when Chromium goes away without close(); the session layer reacts. */
  onCrash: (() => void) | null = null;

  constructor(private readonly options: BrowserPoolOptions) {
    this.log = options.log.child({ module: "browser" });
  }

  /** Launches Chromium; called again to relaunch it after it died. */
  async start(): Promise<void> {
    if (this.closing) throw new Error("the browser pool is closed");
    const args = [...BASE_ARGS, ...this.options.args];
    // Chromium refuses to start its sandbox as root (the CI and a bare-metal box run as root).
    if (process.getuid?.() === 0 && !args.includes("--no-sandbox")) args.push("--no-sandbox");
    const started = Date.now();
    const { soundEnv } = this.options;
    this.browser = await chromium.launch({
      executablePath: this.options.executablePath,
      headless: true,
      args,
      ...(soundEnv ? { ignoreDefaultArgs: ["--mute-audio"], env: { ...process.env, ...soundEnv } } : {}),
      timeout: LAUNCH_TIMEOUT_MS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const browser = this.browser;
    browser.on("disconnected", () => {
      if (this.closing || this.browser !== browser) return;
      this.log.error("chromium disconnected unexpectedly");
      this.browser = null;
      this.onCrash?.();
    });
    this.log.info({ version: this.browser.version(), ms: Date.now() - started }, "chromium started");
  }

  get connected(): boolean {
    return this.browser?.isConnected() ?? false;
  }

  get version(): string | null {
    return this.browser?.version() ?? null;
  }

  /** A fresh context (own cookies and storage) with one page at the given viewport. */
  async newPage(options: PageOptions): Promise<SessionPage> {
    if (!this.browser) throw new Error("Chromium is not running");
    const context = await this.browser.newContext({
      viewport: options.viewport,
      deviceScaleFactor: 1,
      // Tablets send real touch events; pages must see a touch device.
      hasTouch: true,
      isMobile: options.mobile,
      acceptDownloads: false,
    });
    try {
      const page = await context.newPage();
      return { context, page };
    } catch (err) {
      await context.close().catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const browser = this.browser;
    this.browser = null;
    if (browser) await browser.close().catch((err: unknown) => this.log.warn({ err }, "closing chromium failed"));
  }
}
