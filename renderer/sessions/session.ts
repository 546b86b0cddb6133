/**
 * A session: one isolated browser context and page, its screencast, its input dispatcher and
 * the peers of the viewers watching it. It outlives its viewers for the idle timeout, so a
 * tablet that loses Wi-Fi can join again and find the page as it left it.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { type ChannelEvent, type InputMessage, MAX_VIEWPORT, MIN_VIEWPORT, type SessionSummary, type Viewport } from "../../protocol/index.js";
import type { SessionAudio } from "../audio/session-audio.js";
import type { SessionPage } from "../browser/browser-pool.js";
import type { FrameCapture } from "../capture/frame-capture.js";
import { ScreencastCapture } from "../capture/screencast.js";
import { ScreenshotPoller } from "../capture/screenshot-poller.js";
import { AppError } from "../errors.js";
import type { JpegViewer } from "./jpeg-viewer.js";
import { InputDispatcher } from "../input/input-dispatcher.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { PageBridge } from "../page/page-bridge.js";
import type { Peer } from "../webrtc/peer.js";
import type { I420Frame } from "../media/frames.js";

const MEMORY_CHECK_INTERVAL_MS = 10_000;
/** How long detaching from a page's CDP sessions may take (a crashed page's never answer). */
const DETACH_TIMEOUT_MS = 1_000;
/** Crashes within this window count towards a crash loop. */
const CRASH_WINDOW_MS = 5 * 60_000;
/** From this many crashes in the window on, each reopen waits (2 s, 4 s, 8 s, … up to a minute). */
const CRASH_LOOP_COUNT = 3;
const CRASH_BACKOFF_FIRST_MS = 2_000;
const CRASH_BACKOFF_MAX_MS = 60_000;
const PAGE_REOPENED = "The page stopped working and was reopened.";
/** The second push of the newest frame to a viewer that just connected. */
const REFRESH_REPEAT_MS = 150;

/** How long a navigation may take to commit before the request fails. */
export const NAVIGATION_TIMEOUT_MS = 20_000;

export interface SessionOptions {
  id: string;
  kioskId?: string;
  viewport: Viewport;
  jpegQuality: number;
  maxFps: number;
  /** See ScreencastOptions.tailProbeMs. */
  tailProbeMs?: number;
  /** screencast (frames on damage) or screenshot (the original design's polling, for comparison). */
  captureMethod: "screencast" | "screenshot";
  idleTimeoutMs: number;
  /** The kiosk's URL: home of the navigation bar and target of the idle reset. */
  homeUrl: string;
  /** Without input for this long the page returns home (0: never). */
  resetAfterIdleMs: number;
  clearStorageOnReset: boolean;
  /** JavaScript heap ceiling of the page, in bytes. */
  maxPageMemoryBytes: number;
  checkUrl: (url: string) => Promise<string | null>;
  /** The session's sound (its own sink, capture and browser), when it has sound. */
  audio?: SessionAudio;
  /** Sound was wanted but could not be set up: each viewer is told why. */
  audioUnavailable?: string;
  log: Logger;
  metrics?: Metrics;
  onIdle: (session: Session) => void;
}

/** Waits for `promise`, at most `ms` (it is left to settle on its own after that). */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise?.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Sizes must be even for I420; odd CSS sizes are rounded down by one pixel. */
export function evenSide(value: number): number {
  const clamped = Math.min(Math.max(Math.round(value), MIN_VIEWPORT), MAX_VIEWPORT);
  return clamped - (clamped % 2);
}

export class Session {
  readonly id: string;
  readonly kioskId: string | undefined;
  readonly createdAt = new Date();
  lastActiveAt = new Date();
  viewport: Viewport;
  private context: BrowserContext;
  private currentPage: Page;
  /** Where the page was last: a crashed page or a relaunched browser comes back here. */
  private lastUrl: string;
  private readonly log: Logger;
  private readonly peers = new Set<Peer>();
  /** Viewers on the WebSocket picture path, and the newest JPEG for one that just joined. */
  private readonly jpegViewers = new Set<JpegViewer>();
  private lastJpeg: string | null = null;
  private capture: FrameCapture | null = null;
  private input: InputDispatcher | null = null;
  private cdpSessions: CDPSession[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private resetTimer: NodeJS.Timeout | null = null;
  private readonly memoryTimer: NodeJS.Timeout;
  private bridge: PageBridge | null = null;
  /** CDP target id of the page (its main frame's id): which blocked documents were this session's. */
  private pageTargetId: string | null = null;
  /** Resizes run one at a time; a burst while one runs collapses to its last size. */
  private resizing: Promise<void> = Promise.resolve();
  private wantedViewport: Viewport | null = null;
  private closed = false;
  /** When the page crashed lately (a page that crashes right after each reopen must not spin). */
  private crashTimes: number[] = [];
  private recovering = false;
  private backoff: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  constructor(
    private readonly options: SessionOptions,
    { context, page }: SessionPage,
  ) {
    this.id = options.id;
    this.kioskId = options.kioskId;
    this.viewport = options.viewport;
    this.context = context;
    this.currentPage = page;
    this.lastUrl = options.homeUrl;
    this.log = options.log.child({ module: "session", session: options.id });
    const audio = options.audio;
    if (audio) {
      audio.onFrame = (frame) => {
        for (const peer of this.peers) peer.pushAudio(frame);
      };
      audio.onPlaying = (playing) => this.broadcast({ type: "audio", playing });
    }
    this.armIdleTimer();
    this.memoryTimer = setInterval(() => void this.checkMemory(), MEMORY_CHECK_INTERVAL_MS);
    this.memoryTimer.unref();
  }

  get page(): Page {
    return this.currentPage;
  }

  /** The session's own sound parts, if it has sound. */
  get audio(): SessionAudio | null {
    return this.options.audio ?? null;
  }

  /** Attaches capture and input to the page (two CDP sessions: frames never queue behind input). */
  async start(): Promise<void> {
    const page = this.currentPage;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith("http")) this.lastUrl = frame.url();
    });
    page.on("crash", () => void this.recoverCrashedPage(page));
    const captureCdp = await this.context.newCDPSession(this.page);
    const inputCdp = await this.context.newCDPSession(this.page);
    this.cdpSessions = [captureCdp, inputCdp];
    this.input = new InputDispatcher(inputCdp, this.viewport, this.log);
    this.bridge = new PageBridge({
      context: this.context,
      page: this.page,
      cdp: inputCdp,
      log: this.log,
      emit: (event) => this.broadcast(event),
      checkUrl: this.options.checkUrl,
      homeUrl: this.options.homeUrl,
    });
    await this.bridge.start();
    const info = (await inputCdp.send("Target.getTargetInfo").catch(() => null)) as { targetInfo: { targetId: string } } | null;
    this.pageTargetId = info?.targetInfo.targetId ?? null;
    const captureOptions = {
      cdp: captureCdp,
      viewport: this.viewport,
      jpegQuality: this.options.jpegQuality,
      maxFps: this.options.maxFps,
      ...(this.options.tailProbeMs !== undefined ? { tailProbeMs: this.options.tailProbeMs } : {}),
      log: this.log,
      metrics: this.options.metrics,
      onFrame: (frame: I420Frame) => {
        for (const peer of this.peers) peer.pushFrame(frame);
      },
      onJpeg: (jpeg: string) => {
        this.lastJpeg = jpeg;
        for (const viewer of this.jpegViewers) viewer.pushJpeg(jpeg);
      },
    };
    this.capture = this.options.captureMethod === "screenshot" ? new ScreenshotPoller(captureOptions) : new ScreencastCapture(captureOptions);
    await this.capture.start();
    this.armResetTimer();
  }

  /** Reopens the page when its JavaScript heap passed the ceiling (a leaking or hostile page). */
  private async checkMemory(): Promise<void> {
    const cdp = this.cdpSessions[1];
    if (this.closed || !cdp) return;
    const usage = (await cdp.send("Runtime.getHeapUsage").catch(() => null)) as { usedSize: number } | null;
    if (!usage || usage.usedSize <= this.options.maxPageMemoryBytes) return;
    this.log.error({ usedMB: Math.round(usage.usedSize / 2 ** 20) }, "page memory over the ceiling; reopening it");
    await this.recoverCrashedPage(this.currentPage, "The page used too much memory and was reopened.");
  }

  /** The page's renderer process died (out of memory, a crash): a fresh page at the last URL. */
  private async recoverCrashedPage(crashed: Page, notice = PAGE_REOPENED): Promise<void> {
    if (this.closed || crashed !== this.currentPage || this.recovering) return;
    this.recovering = true;
    try {
      this.log.error({ url: this.lastUrl }, "page crashed; reopening it");
      this.options.metrics?.pageCrashes.inc();
      await this.waitOutCrashLoop();
      if (this.closed) return;
      const context = this.context;
      await this.rebuild(async () => ({ context, page: await context.newPage() }), notice);
      await crashed.close().catch(() => {});
    } catch (err) {
      this.log.error({ err: String(err) }, "could not reopen the crashed page");
    } finally {
      this.recovering = false;
    }
  }

  /** A page that keeps crashing is reopened less and less often, and the viewers are told. */
  private async waitOutCrashLoop(): Promise<void> {
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const beyond = this.crashTimes.length - CRASH_LOOP_COUNT;
    if (beyond < 0) return;
    const delayMs = Math.min(CRASH_BACKOFF_FIRST_MS * 2 ** beyond, CRASH_BACKOFF_MAX_MS);
    this.log.warn({ crashes: this.crashTimes.length, delayMs }, "page keeps crashing; waiting before reopening it");
    this.broadcast({
      type: "notice",
      code: "page_crash_loop",
      message: `The page keeps crashing (${this.crashTimes.length} times in a few minutes); trying again in ${Math.round(delayMs / 1000)} s.`,
    });
    await new Promise<void>((resolve) => {
      this.backoff = { timer: setTimeout(resolve, delayMs), resolve };
    });
    this.backoff = null;
  }

  /**
   * Puts the session on a new page (after a page crash, or in a new context after Chromium was
   * relaunched) at its last URL. Viewers keep their peers: frames simply resume.
   * The old page's parts are detached before the new page exists, so its popup guard does not
   * mistake the new page for a popup.
   */
  async rebuild(makePage: () => Promise<SessionPage>, notice = PAGE_REOPENED): Promise<void> {
    if (this.closed) return;
    await this.detachPage(false);
    const { context, page } = await makePage();
    this.context = context;
    this.currentPage = page;
    await this.start();
    await this.load(this.lastUrl).catch((err: unknown) => this.log.warn({ err: String(err) }, "reload after recovery failed"));
    this.broadcast({ type: "notice", code: "page_crashed", message: notice });
  }

  private async detachPage(closeContext: boolean): Promise<void> {
    this.input?.close();
    this.bridge?.close();
    // A crashed page's target never answers: its CDP calls are given a moment, not forever.
    await within(this.capture?.close(), DETACH_TIMEOUT_MS);
    for (const cdp of this.cdpSessions) await within(cdp.detach().catch(() => {}), DETACH_TIMEOUT_MS);
    this.cdpSessions = [];
    if (closeContext) await this.context.close().catch(() => {});
  }

  /** Whether a document refused in frame `frameId` was this session's page. */
  ownsFrame(frameId: string): boolean {
    return frameId === this.pageTargetId;
  }

  /** Sends a page event to every viewer. */
  broadcast(event: ChannelEvent): void {
    for (const peer of this.peers) peer.sendEvent(event);
    for (const viewer of this.jpegViewers) viewer.sendEvent(event);
  }

  get url(): string {
    return this.page.url();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get viewerCount(): number {
    return this.peers.size + this.jpegViewers.size;
  }

  /** Navigates the page; the caller has checked the URL policy. */
  async load(url: string): Promise<void> {
    this.touch();
    try {
      await this.page.goto(url, { waitUntil: "commit", timeout: NAVIGATION_TIMEOUT_MS });
    } catch (err) {
      if (this.closed) throw new AppError(410, "session_not_found", `session ${this.id} was closed`);
      const reason = String((err as Error).message ?? err).split("\n")[0];
      throw new AppError(502, "navigation_failed", `could not open ${url}: ${reason}`);
    }
    this.log.info({ url }, "navigated");
  }

  attachPeer(peer: Peer): void {
    this.peers.add(peer);
    this.touch();
    this.clearIdleTimer();
    // A new viewer gets a picture at once, even if the page is static and sends no frames,
    // and the state it cannot see in the picture (keyboard, open dialogs, navigation).
    const frame = this.capture?.lastFrame;
    if (frame) peer.pushFrame(frame);
    this.sendCurrentState(peer);
  }

  /** The state a new viewer cannot see in the picture (keyboard, open dialogs, navigation, size). */
  private sendCurrentState(viewer: { sendEvent(event: ChannelEvent): void }): void {
    for (const event of this.bridge?.snapshot() ?? []) viewer.sendEvent(event);
    viewer.sendEvent({ type: "viewport", ...this.viewport });
    if (this.options.audio) viewer.sendEvent({ type: "audio", playing: this.options.audio.playing });
    if (this.options.audioUnavailable) viewer.sendEvent({ type: "notice", code: "audio_unavailable", message: this.options.audioUnavailable });
  }

  /** A viewer on the WebSocket picture path: the newest JPEG at once, then every new one. */
  attachJpegViewer(viewer: JpegViewer): void {
    this.jpegViewers.add(viewer);
    this.touch();
    this.clearIdleTimer();
    if (this.lastJpeg) viewer.pushJpeg(this.lastJpeg);
    this.sendCurrentState(viewer);
  }

  detachJpegViewer(viewer: JpegViewer): void {
    if (!this.jpegViewers.delete(viewer)) return;
    this.touch();
    if (this.viewerCount === 0) this.armIdleTimer();
  }

  /**
   * Sends the newest frame to one peer again (it just connected): at once, and once more shortly
   * after, because a fresh encoder may drop its first input and a static page sends no other.
   */
  refreshPeer(peer: Peer): void {
    const push = () => {
      const frame = this.capture?.lastFrame;
      if (frame && this.peers.has(peer)) peer.pushFrame(frame);
    };
    push();
    setTimeout(push, REFRESH_REPEAT_MS).unref();
  }

  detachPeer(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.touch();
    if (this.viewerCount === 0) this.armIdleTimer();
  }

  handleInput(input: InputMessage): void {
    this.touch();
    this.armResetTimer();
    switch (input.type) {
      case "resize":
        return this.resize({ width: input.width, height: input.height });
      case "navigate":
        void this.bridge?.navigate(input.action);
        return;
      case "select-answer":
        void this.bridge?.answerSelect(input.id, input.indexes);
        return;
      case "dialog-answer":
        void this.bridge?.answerDialog(input.id, input.accept, input.text);
        return;
      default:
        this.input?.dispatch(input);
    }
  }

  /** The tablet rotated or resized: the page's viewport and the stream follow. */
  resize(requested: Viewport): void {
    this.wantedViewport = { width: evenSide(requested.width), height: evenSide(requested.height) };
    this.resizing = this.resizing.then(async () => {
      const wanted = this.wantedViewport;
      if (!wanted || this.closed) return;
      this.wantedViewport = null;
      if (wanted.width === this.viewport.width && wanted.height === this.viewport.height) return;
      try {
        await this.page.setViewportSize(wanted);
        this.viewport = wanted;
        this.input?.setViewport(wanted);
        await this.capture?.resize(wanted);
        this.broadcast({ type: "viewport", ...wanted });
        this.log.info({ viewport: wanted }, "viewport resized");
      } catch (err) {
        if (!this.closed) this.log.warn({ err: String(err) }, "resize failed");
      }
    });
  }

  /** After `resetAfterIdleSeconds` without input the page goes back to its kiosk URL. */
  private armResetTimer(): void {
    if (this.options.resetAfterIdleMs <= 0 || this.closed) return;
    if (this.resetTimer) clearTimeout(this.resetTimer);
    this.resetTimer = setTimeout(() => void this.resetToHome(), this.options.resetAfterIdleMs);
    this.resetTimer.unref();
  }

  private async resetToHome(): Promise<void> {
    if (this.closed) return;
    this.log.info({ clearStorage: this.options.clearStorageOnReset }, "no input for the reset period; back to the kiosk page");
    if (this.options.clearStorageOnReset) {
      await this.context.clearCookies().catch(() => {});
      await this.page.evaluate("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}").catch(() => {});
    }
    await this.bridge?.navigate("home");
    this.armResetTimer();
  }

  /** Per-viewer WebRTC sender figures and the capture counters, for diagnostics and the bench. */
  async stats(): Promise<{ capture: ReturnType<Session["captureStatsCopy"]>; peers: Record<string, unknown>[] }> {
    const peers = await Promise.all([...this.peers].map(async (peer) => ({ peer: peer.id, ...(await peer.senderStats()) })));
    return { capture: this.captureStatsCopy(), peers };
  }

  private captureStatsCopy() {
    return this.capture ? { ...this.capture.stats } : null;
  }

  summary(): SessionSummary {
    const summary: SessionSummary = {
      session_id: this.id,
      url: this.url,
      viewport: this.viewport,
      viewers: this.peers.size,
      created_at: this.createdAt.toISOString(),
      last_active_at: this.lastActiveAt.toISOString(),
    };
    if (this.kioskId) summary.kiosk = this.kioskId;
    if (this.options.audio) summary.audio = true;
    return summary;
  }

  private touch(): void {
    this.lastActiveAt = new Date();
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      this.log.info({ idleMs: this.options.idleTimeoutMs }, "no viewer for the idle timeout; closing");
      this.options.onIdle(this);
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Closes peers, capture and the browser context. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearIdleTimer();
    clearInterval(this.memoryTimer);
    if (this.backoff) {
      clearTimeout(this.backoff.timer);
      this.backoff.resolve();
    }
    if (this.resetTimer) clearTimeout(this.resetTimer);
    for (const peer of this.peers) peer.close();
    this.peers.clear();
    await this.detachPage(true);
    await this.options.audio?.close();
    this.log.info("session closed");
  }
}
