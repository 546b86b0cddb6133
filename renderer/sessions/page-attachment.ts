/**
 * What a session hangs on its page: two CDP sessions (frames never queue behind input), the
 * capture, the input dispatcher, the page bridge with its navigation guard, and the page's own
 * crash and navigation listeners. A session makes one per page: a crashed or reopened page, or
 * a relaunched browser, gets a new attachment and the old one is closed.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import type { ChannelEvent, Viewport } from "../../protocol/index.js";
import { drawsOnBeginFrame } from "../browser/begin-frame-pages.js";
import type { FrameCapture } from "../capture/frame-capture.js";
import type { CaptureSetting } from "../config/schema.js";
import { BeginFrameCapture } from "../capture/begin-frame.js";
import { ScreencastCapture } from "../capture/screencast.js";
import { ScreenshotPoller } from "../capture/screenshot-poller.js";
import { InputDispatcher } from "../input/input-dispatcher.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { PageBridge } from "../page/page-bridge.js";
import type { I420Frame } from "../media/frames.js";

/** How long detaching from a page's CDP sessions may take (a crashed page's never answer). */
const DETACH_TIMEOUT_MS = 1_000;

export interface PageAttachmentOptions {
  context: BrowserContext;
  page: Page;
  viewport: Viewport;
  jpegQuality: number;
  maxFps: number;
  /** See ScreencastOptions.tailProbeMs. */
  tailProbeMs?: number;
  /** The configured capture; a page that draws only on begin-frame always gets the begin-frame capture. */
  captureMethod: CaptureSetting;
  homeUrl: string;
  checkUrl: (url: string) => Promise<string | null>;
  log: Logger;
  metrics?: Metrics;
  emit: (event: ChannelEvent) => void;
  onFrame: (frame: I420Frame) => void;
  onJpeg: (jpeg: string) => void;
  /** The main frame committed an http(s) URL. */
  onNavigated: (url: string) => void;
  /** The page's renderer process died, or its begin-frame capture keeps stalling. */
  onCrash: () => void;
}

/** Waits for `promise`, at most `ms` (it is left to settle on its own after that). */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise?.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class PageAttachment {
  private cdpSessions: CDPSession[] = [];
  private inputCdp: CDPSession | null = null;
  private dispatcher: InputDispatcher | null = null;
  private pageBridge: PageBridge | null = null;
  private frameCapture: FrameCapture | null = null;
  /** The same capture when it is the begin-frame one: input pokes its frame clock. */
  private beginFrame: BeginFrameCapture | null = null;
  /** CDP target id of the page (its main frame's id): which blocked documents were this session's. */
  private targetId: string | null = null;
  private closed = false;

  private readonly onFrameNavigated = (frame: ReturnType<Page["mainFrame"]>): void => {
    const { page } = this.options;
    if (frame === page.mainFrame() && frame.url().startsWith("http")) this.options.onNavigated(frame.url());
  };
  private readonly onPageCrash = (): void => this.options.onCrash();

  constructor(private readonly options: PageAttachmentOptions) {}

  get page(): Page {
    return this.options.page;
  }

  get input(): InputDispatcher | null {
    return this.dispatcher;
  }

  get bridge(): PageBridge | null {
    return this.pageBridge;
  }

  get capture(): FrameCapture | null {
    return this.frameCapture;
  }

  async start(): Promise<void> {
    const { context, page, log } = this.options;
    page.on("framenavigated", this.onFrameNavigated);
    page.on("crash", this.onPageCrash);
    const captureCdp = await context.newCDPSession(page);
    const inputCdp = await context.newCDPSession(page);
    this.cdpSessions = [captureCdp, inputCdp];
    this.inputCdp = inputCdp;
    // Begin-frame capture: input asks for a frame at once, when sent and again when the page has it.
    this.dispatcher = new InputDispatcher(inputCdp, this.options.viewport, log, () => this.beginFrame?.poke());
    this.pageBridge = new PageBridge({
      context,
      page,
      cdp: inputCdp,
      log,
      emit: this.options.emit,
      checkUrl: this.options.checkUrl,
      homeUrl: this.options.homeUrl,
    });
    await this.pageBridge.start();
    const info = (await inputCdp.send("Target.getTargetInfo").catch(() => null)) as { targetInfo: { targetId: string } } | null;
    this.targetId = info?.targetInfo.targetId ?? null;
    const captureOptions = {
      cdp: captureCdp,
      viewport: this.options.viewport,
      jpegQuality: this.options.jpegQuality,
      maxFps: this.options.maxFps,
      ...(this.options.tailProbeMs !== undefined ? { tailProbeMs: this.options.tailProbeMs } : {}),
      log,
      metrics: this.options.metrics,
      onFrame: this.options.onFrame,
      onJpeg: this.options.onJpeg,
    };
    this.frameCapture = this.makeCapture(captureOptions);
    await this.frameCapture.start();
  }

  private makeCapture(captureOptions: ConstructorParameters<typeof ScreencastCapture>[0]): FrameCapture {
    const { context, page, captureMethod, log } = this.options;
    if (drawsOnBeginFrame(page)) {
      this.beginFrame = new BeginFrameCapture({
        ...captureOptions,
        reattach: async () => {
          const cdp = await context.newCDPSession(page);
          this.cdpSessions.push(cdp);
          return cdp;
        },
        onStalled: () => this.options.onCrash(),
      });
      return this.beginFrame;
    }
    if (captureMethod === "beginframe") log.warn("this page's browser has no begin-frame control: screencast capture");
    return captureMethod === "screenshot" ? new ScreenshotPoller(captureOptions) : new ScreencastCapture(captureOptions);
  }

  /** Whether a document refused in frame `frameId` was this page. */
  ownsFrame(frameId: string): boolean {
    return frameId === this.targetId;
  }

  /** The page's used JavaScript heap in bytes, or null when the page does not answer. */
  async readHeapBytes(): Promise<number | null> {
    if (this.closed || !this.inputCdp) return null;
    const usage = (await this.inputCdp.send("Runtime.getHeapUsage").catch(() => null)) as { usedSize: number } | null;
    return usage?.usedSize ?? null;
  }

  /** Sets the page's viewport; input mapping and the capture follow. */
  async resize(viewport: Viewport): Promise<void> {
    await this.options.page.setViewportSize(viewport);
    this.dispatcher?.setViewport(viewport);
    await this.frameCapture?.resize(viewport);
  }

  /** Detaches everything from the page (the page and its context stay open). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { page } = this.options;
    page.off("framenavigated", this.onFrameNavigated);
    page.off("crash", this.onPageCrash);
    this.dispatcher?.close();
    this.pageBridge?.close();
    // A crashed page's target never answers: its CDP calls are given a moment, not forever.
    await within(this.frameCapture?.close(), DETACH_TIMEOUT_MS);
    for (const cdp of this.cdpSessions)
      await within(
        cdp.detach().catch(() => {}),
        DETACH_TIMEOUT_MS,
      );
    this.cdpSessions = [];
    this.inputCdp = null;
  }
}
