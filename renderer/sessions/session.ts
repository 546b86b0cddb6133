/**
 * A session: one isolated browser context and page, its screencast, its input dispatcher and
 * the peers of the viewers watching it. It outlives its viewers for the idle timeout, so a
 * tablet that loses Wi-Fi can join again and find the page as it left it.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { type ChannelEvent, type InputMessage, MAX_VIEWPORT, MIN_VIEWPORT, type SessionSummary, type Viewport } from "../../protocol/index.js";
import type { SessionPage } from "../browser/browser-pool.js";
import { ScreencastCapture } from "../capture/screencast.js";
import { AppError } from "../errors.js";
import { InputDispatcher } from "../input/input-dispatcher.js";
import type { Logger } from "../log.js";
import { NavigationGuard } from "../page/navigation-guard.js";
import { PageBridge } from "../page/page-bridge.js";
import type { Peer } from "../webrtc/peer.js";

/** How long a navigation may take to commit before the request fails. */
export const NAVIGATION_TIMEOUT_MS = 20_000;

export interface SessionOptions {
  id: string;
  kioskId?: string;
  viewport: Viewport;
  jpegQuality: number;
  maxFps: number;
  idleTimeoutMs: number;
  /** The kiosk's URL: home of the navigation bar and target of the idle reset. */
  homeUrl: string;
  /** Without input for this long the page returns home (0: never). */
  resetAfterIdleMs: number;
  clearStorageOnReset: boolean;
  checkUrl: (url: string) => string | null;
  /** The appliance's own origins: the page may load its built-in pages there, nothing else. */
  selfOrigins: string[];
  log: Logger;
  onIdle: (session: Session) => void;
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
  private readonly context: BrowserContext;
  readonly page: Page;
  private readonly log: Logger;
  private readonly peers = new Set<Peer>();
  private capture: ScreencastCapture | null = null;
  private input: InputDispatcher | null = null;
  private cdpSessions: CDPSession[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private resetTimer: NodeJS.Timeout | null = null;
  private bridge: PageBridge | null = null;
  private guard: NavigationGuard | null = null;
  /** Resizes run one at a time; a burst while one runs collapses to its last size. */
  private resizing: Promise<void> = Promise.resolve();
  private wantedViewport: Viewport | null = null;
  private closed = false;

  constructor(
    private readonly options: SessionOptions,
    { context, page }: SessionPage,
  ) {
    this.id = options.id;
    this.kioskId = options.kioskId;
    this.viewport = options.viewport;
    this.context = context;
    this.page = page;
    this.log = options.log.child({ module: "session", session: options.id });
    this.armIdleTimer();
  }

  /** Attaches capture and input to the page (two CDP sessions: frames never queue behind input). */
  async start(): Promise<void> {
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
    this.guard = new NavigationGuard({
      cdp: inputCdp,
      checkUrl: this.options.checkUrl,
      selfOrigins: this.options.selfOrigins,
      emit: (event) => this.broadcast(event),
      log: this.log,
    });
    await this.guard.start();
    this.capture = new ScreencastCapture({
      cdp: captureCdp,
      viewport: this.viewport,
      jpegQuality: this.options.jpegQuality,
      maxFps: this.options.maxFps,
      log: this.log,
      onFrame: (frame) => {
        for (const peer of this.peers) peer.pushFrame(frame);
      },
    });
    await this.capture.start();
    this.armResetTimer();
  }

  /** Sends a page event to every viewer. */
  broadcast(event: ChannelEvent): void {
    for (const peer of this.peers) peer.sendEvent(event);
  }

  get url(): string {
    return this.page.url();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get viewerCount(): number {
    return this.peers.size;
  }

  get captureStats() {
    return this.capture?.stats ?? null;
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
    for (const event of this.bridge?.snapshot() ?? []) peer.sendEvent(event);
    peer.sendEvent({ type: "viewport", ...this.viewport });
  }

  /** Sends the newest frame to one peer again (it just connected, or asked for a keyframe). */
  refreshPeer(peer: Peer): void {
    const frame = this.capture?.lastFrame;
    if (frame && this.peers.has(peer)) peer.pushFrame(frame);
  }

  detachPeer(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.touch();
    if (this.peers.size === 0) this.armIdleTimer();
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
    if (this.resetTimer) clearTimeout(this.resetTimer);
    this.bridge?.close();
    this.guard?.close();
    for (const peer of this.peers) peer.close();
    this.peers.clear();
    this.input?.close();
    await this.capture?.close();
    for (const cdp of this.cdpSessions) await cdp.detach().catch(() => {});
    await this.context.close().catch((err: unknown) => this.log.warn({ err: String(err) }, "closing context failed"));
    this.log.info("session closed");
  }
}
