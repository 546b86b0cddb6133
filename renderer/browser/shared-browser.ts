/**
 * The one owner of Chromium: launches Debian's /usr/bin/chromium through playwright-core and
 * hands out one isolated BrowserContext + Page per session. Every Chromium it launches sends all
 * its traffic through the egress proxy, holds every document of every target to the URL policy
 * (a browser-wide navigation guard), gets an environment without secrets, and runs sandboxed
 * (see launch.ts).
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import type { Logger } from "../log.js";
import { type BlockedDocument, NavigationGuard, type RequestPolicy } from "./navigation-guard.js";
import { openPage, registerBeginFrameContext } from "./begin-frame-pages.js";
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

/**
 * Begin-frame capture: the page draws only when a begin-frame asks, and the call is refused
 * without --run-all-compositor-stages-before-draw. A page of such a browser made without the
 * target flag never draws at all (begin-frame-pages.ts makes them all with it).
 */
const BEGIN_FRAME_ARGS = ["--enable-begin-frame-control", "--run-all-compositor-stages-before-draw"];

const LAUNCH_TIMEOUT_MS = 60_000;

/** What every Chromium of the appliance is launched with. */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  /** chromium.sandbox from the config. */
  sandbox: SandboxMode;
  /** The egress proxy's port on 127.0.0.1: every request of the browser goes through it. */
  proxyPort: number;
  /**
   * Pages draw only when their capture asks (video.capture: beginframe): for Debian's
   * chromium-headless-shell; full Chromium ignores begin-frame control.
   */
  beginFrameControl?: boolean;
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
  /** The browser's own CDP session for creating begin-frame targets (begin-frame mode only). */
  private control: CDPSession | null = null;
  /** New contexts are made one at a time, so the one that appeared is the one just made. */
  private contextQueue: Promise<unknown> = Promise.resolve();
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
      ...(this.options.beginFrameControl ? BEGIN_FRAME_ARGS : []),
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
    this.control = this.options.beginFrameControl ? await browser.newBrowserCDPSession() : null;
    this.log.info(
      {
        version: browser.version(),
        ms: Date.now() - started,
        sandbox: plan.sandbox,
        ...(this.options.beginFrameControl ? { executablePath: this.options.executablePath, beginFrameControl: true } : {}),
      },
      "chromium started",
    );
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
    const browser = this.browser;
    if (!browser) throw new Error("Chromium is not running");
    const contextOptions = {
      viewport: options.viewport,
      deviceScaleFactor: 1,
      // Tablets send real touch events; pages must see a touch device.
      hasTouch: true,
      isMobile: options.mobile,
      acceptDownloads: false,
    };
    const control = this.control;
    const context = control ? await this.newBeginFrameContext(browser, control, contextOptions) : await browser.newContext(contextOptions);
    try {
      const page = await openPage(context);
      return { context, page };
    } catch (err) {
      await context.close().catch(() => {});
      throw err;
    }
  }

  /**
   * Whether begin-frame capture works in this browser: a page under begin-frame control returns a
   * screenshot within `timeoutMs`. null when it does, else why not.
   */
  async probeBeginFrame(timeoutMs: number): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    let sessionPage: SessionPage | null = null;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no frame within ${timeoutMs} ms`), timeoutMs)));
    const probe = (async () => {
      sessionPage = await this.newPage({ viewport: { width: 320, height: 240 }, mobile: false });
      const cdp = await sessionPage.context.newCDPSession(sessionPage.page);
      // The first frames of a new page may come without a picture.
      while (Date.now() < deadline) {
        const result = (await cdp.send("HeadlessExperimental.beginFrame", { screenshot: { format: "jpeg", quality: 50 } })) as {
          screenshotData?: string;
        };
        if (result.screenshotData) return null;
      }
      return `no frame within ${timeoutMs} ms`;
    })().catch((err: unknown) => String((err as Error).message ?? err).split("\n")[0] ?? "failed");
    try {
      return await Promise.race([probe, expired]);
    } finally {
      clearTimeout(timer);
      // A page still being made when the time ran out is closed once it exists.
      void probe.finally(() => sessionPage?.context.close().catch(() => {}));
    }
  }

  /**
   * A context whose pages are created under begin-frame control. Playwright does not expose a
   * context's CDP id, so it is the one id the browser lists after the context was made and not
   * before; contexts are made one at a time for that.
   */
  private newBeginFrameContext(
    browser: Browser,
    control: CDPSession,
    contextOptions: Parameters<Browser["newContext"]>[0],
  ): Promise<BrowserContext> {
    const made = this.contextQueue.then(async () => {
      const before = new Set((await control.send("Target.getBrowserContexts")).browserContextIds);
      const context = await browser.newContext(contextOptions);
      const fresh = (await control.send("Target.getBrowserContexts")).browserContextIds.filter((id) => !before.has(id));
      if (fresh.length !== 1) {
        await context.close().catch(() => {});
        throw new Error(`could not tell the new browser context apart (${fresh.length} new)`);
      }
      registerBeginFrameContext(context, control, fresh[0]!);
      return context;
    });
    this.contextQueue = made.catch(() => {});
    return made;
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
