/**
 * The one owner of Chromium: launches Debian's /usr/bin/chromium through playwright-core and
 * hands out one isolated BrowserContext + Page per session. Every Chromium it launches sends all
 * its traffic through the egress proxy, holds every document of every target to the URL policy
 * (a browser-wide navigation guard), gets an environment without secrets, and runs sandboxed
 * (see launch.ts).
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Logger } from "../log.js";
import { type BlockedDocument, NavigationGuard, type RequestPolicy } from "./navigation-guard.js";
import { inContainer, isSandboxFailure, type LaunchPlan, planLaunch, SandboxError, type SandboxMode } from "./launch.js";

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
  // No UDP around the egress proxy: a page's WebRTC may only use TURN over TCP through it.
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
];

const LAUNCH_TIMEOUT_MS = 60_000;

/** What every Chromium of the appliance is launched with. */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  /** chromium.sandbox from the config. */
  sandbox: SandboxMode;
  /** The egress proxy's port on 127.0.0.1: every request of the browser goes through it. */
  proxyPort: number;
}

export interface SharedBrowserOptions extends ChromiumLaunch {
  /** The URL policy for documents; until it is set every document is refused. */
  policy?: RequestPolicy;
  log: Logger;
  /**
   * A browser with sound: Playwright's --mute-audio is dropped and Chromium plays into the
   * PulseAudio sink these variables name (PULSE_SERVER, PULSE_SINK). Sound is per process: two
   * contexts of one Chromium cannot play into different sinks.
   */
  soundEnv?: Record<string, string>;
  /** Called when Chromium goes away without close(); the session layer reacts. */
  onCrash?: () => void;
  /** Told when the policy refused a document, so the session showing that frame can say so. */
  onBlocked?: (blocked: BlockedDocument) => void;
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

export class SharedBrowser {
  private browser: Browser | null = null;
  private closing = false;
  private readonly log: Logger;
  private guard: NavigationGuard | null = null;
  private policy: RequestPolicy;
  private warned = false;
  // Still assignable because a sound session's browser is wired after construction
  // (audio/session-audio.ts); everything else passes them as options.
  onCrash: (() => void) | null;
  onBlocked: ((blocked: BlockedDocument) => void) | null;

  constructor(private readonly options: SharedBrowserOptions) {
    this.log = options.log.child({ module: "browser" });
    this.onCrash = options.onCrash ?? null;
    this.onBlocked = options.onBlocked ?? null;
    this.policy = options.policy ?? { checkUrl: async () => "the appliance is starting", selfOrigins: [] };
  }

  /** The URL policy for documents, from the session layer (for this browser and its relaunches). */
  async setPolicy(policy: RequestPolicy): Promise<void> {
    this.policy = policy;
    if (this.browser) await this.guardBrowser(this.browser);
  }

  private async guardBrowser(browser: Browser): Promise<void> {
    await this.guard?.close();
    const cdp = await browser.newBrowserCDPSession();
    this.guard = new NavigationGuard(cdp, this.policy, this.log, (blocked) => this.onBlocked?.(blocked));
    await this.guard.start();
  }

  /** Launches Chromium; called again to relaunch it after it died. */
  async start(): Promise<void> {
    if (this.closing) throw new Error("the shared browser is closed");
    const { soundEnv, proxyPort } = this.options;
    const args = [
      ...BASE_ARGS,
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      // Chromium sends loopback directly unless told otherwise; the appliance lives there.
      "--proxy-bypass-list=<-loopback>",
      ...this.options.args.filter((a) => a !== "--no-sandbox"),
    ];
    const started = Date.now();
    let plan = planLaunch({ executablePath: this.options.executablePath, mode: this.options.sandbox, extraEnv: soundEnv });
    try {
      this.browser = await this.launch(plan, args);
    } catch (err) {
      const message = String((err as Error).message ?? err);
      // auto: where namespaces are not allowed (a container's seccomp profile), run without.
      const sandboxFailed = plan.sandbox && isSandboxFailure(message);
      // Root outside a container never falls back: that is the case the sandbox is for.
      const mayRunWithout = this.options.sandbox === "auto" && (process.getuid?.() !== 0 || inContainer());
      if (!sandboxFailed || !mayRunWithout) {
        if (sandboxFailed)
          throw new SandboxError(
            `Chromium's sandbox could not start: ${message.split("\n")[0]}; set chromium.sandbox: off to run without it`,
          );
        throw err;
      }
      plan = {
        ...planLaunch({ executablePath: this.options.executablePath, mode: "off", extraEnv: soundEnv }),
        warning: `Chromium's sandbox could not start here (${message.split("\n")[0]}); running without it`,
      };
      this.browser = await this.launch(plan, args);
    }
    if (plan.warning && !this.warned) {
      this.warned = true;
      this.log.warn(plan.warning);
    }
    const browser = this.browser;
    browser.on("disconnected", () => {
      if (this.closing || this.browser !== browser) return;
      this.log.error("chromium disconnected unexpectedly");
      this.browser = null;
      this.onCrash?.();
    });
    await this.guardBrowser(browser);
    this.log.info({ version: browser.version(), ms: Date.now() - started, sandbox: plan.sandbox }, "chromium started");
  }

  private launch(plan: LaunchPlan, args: string[]): Promise<Browser> {
    return chromium.launch({
      executablePath: plan.executablePath,
      headless: true,
      args,
      chromiumSandbox: plan.sandbox,
      env: plan.env,
      ...(this.options.soundEnv ? { ignoreDefaultArgs: ["--mute-audio"] } : {}),
      timeout: LAUNCH_TIMEOUT_MS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
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
    await this.guard?.close();
    this.guard = null;
    if (browser) await browser.close().catch((err: unknown) => this.log.warn({ err }, "closing chromium failed"));
  }
}
