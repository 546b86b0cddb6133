/**
 * A session: one isolated browser context and page, its screencast, its input dispatcher and
 * the peers of the viewers watching it. It outlives its viewers for the idle timeout, so a
 * tablet that loses Wi-Fi can join again and find the page as it left it.
 */
import type { BrowserContext, Page } from "playwright-core";
import type { ChannelEvent, InputMessage, SessionSummary, Viewport } from "../../protocol/index.js";
import type { SessionAudio } from "./session-audio.js";
import type { SessionPage } from "../browser/shared-browser.js";
import { openPage } from "../browser/begin-frame-pages.js";
import type { CaptureStats } from "../capture/frame-capture.js";
import { AppError } from "../errors.js";
import { CrashLoopBackoff, REOPEN_NOTICES, type ReopenNotice } from "./crash-loop.js";
import type { JpegViewer } from "./jpeg-viewer.js";
import { type InputTargets, routeInput } from "./input-router.js";
import type { Logger } from "../log.js";
import { PageAttachment } from "./page-attachment.js";
import { ResizeQueue } from "./resize-queue.js";
import type { SessionOptions } from "./session-options.js";
import { SessionUpkeep } from "./session-upkeep.js";
import type { SessionViewers } from "./session-viewers.js";
import type { Peer } from "../webrtc/peer.js";

export type { SessionOptions };

/** How long a navigation may take to commit before the request fails. */
const NAVIGATION_TIMEOUT_MS = 20_000;

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
  private readonly viewers: SessionViewers;
  /** The parts hung on the current page; null while a page is being replaced. */
  private attachment: PageAttachment | null = null;
  private readonly upkeep: SessionUpkeep;
  private readonly resizes: ResizeQueue;
  private closed = false;
  private readonly crashLoop: CrashLoopBackoff;
  private recovering = false;

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
    this.viewers = options.viewers;
    this.crashLoop = new CrashLoopBackoff(this.log, (event) => this.broadcast(event));
    this.resizes = new ResizeQueue({
      current: () => this.viewport,
      apply: async (viewport) => void (await this.attachment?.resize(viewport)),
      onResized: (viewport) => {
        this.viewport = viewport;
        this.broadcast({ type: "viewport", ...viewport });
        this.log.info({ viewport }, "viewport resized");
      },
      onFailed: (err) => this.log.warn({ err: String(err) }, "resize failed"),
      stopped: () => this.closed,
    });
    this.upkeep = new SessionUpkeep({
      idleTimeoutMs: options.idleTimeoutMs,
      resetAfterIdleMs: options.resetAfterIdleMs,
      maxPageMemoryBytes: options.maxPageMemoryBytes,
      ...(options.timers ? { timers: options.timers } : {}),
      log: this.log,
      onIdle: () => options.onIdle(this),
      onReset: () => this.resetToHome(),
      readHeapBytes: async () => (await this.attachment?.readHeapBytes()) ?? null,
      onMemoryCeiling: () => this.reopenPage(this.currentPage, "memory"),
    });
    this.upkeep.start();
  }

  get page(): Page {
    return this.currentPage;
  }

  /** The session's own sound parts, if it has sound. */
  get audio(): SessionAudio | null {
    return this.options.audio ?? null;
  }

  /** Attaches capture, input and the page bridge to the current page. */
  async start(): Promise<void> {
    const page = this.currentPage;
    const attachment = new PageAttachment({
      context: this.context,
      page,
      viewport: this.viewport,
      jpegQuality: this.options.jpegQuality,
      maxFps: this.options.maxFps,
      ...(this.options.tailProbeMs !== undefined ? { tailProbeMs: this.options.tailProbeMs } : {}),
      captureMethod: this.options.captureMethod,
      homeUrl: this.options.homeUrl,
      checkUrl: this.options.checkUrl,
      log: this.log,
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      emit: (event) => this.broadcast(event),
      onFrame: (frame) => this.viewers.pushFrame(frame),
      onJpeg: (jpeg) => this.viewers.pushJpeg(jpeg),
      onNavigated: (url) => (this.lastUrl = url),
      onCrash: () => void this.reopenPage(page, "crash"),
    });
    this.attachment = attachment;
    await attachment.start();
    this.upkeep.inputSeen();
  }

  private get capture() {
    return this.attachment?.capture ?? null;
  }

  private get bridge() {
    return this.attachment?.bridge ?? null;
  }

  /**
   * A fresh page at the last URL, after the page's renderer process died or its heap passed the
   * ceiling. Only a real crash counts as one; both go through the crash-loop back-off, because a
   * page that refills its heap at once would otherwise be reopened without pause.
   */
  private async reopenPage(crashed: Page, cause: keyof typeof REOPEN_NOTICES): Promise<void> {
    if (this.closed || crashed !== this.currentPage || this.recovering) return;
    this.recovering = true;
    try {
      if (cause === "crash") {
        this.log.error({ url: this.lastUrl }, "page crashed; reopening it");
        this.options.metrics?.pageCrashes.inc();
      } else {
        this.options.metrics?.pageMemoryReopens.inc();
      }
      await this.crashLoop.wait();
      if (this.closed) return;
      const context = this.context;
      await this.rebuild(async () => ({ context, page: await openPage(context) }), REOPEN_NOTICES[cause]);
      await crashed.close().catch(() => {});
    } catch (err) {
      this.log.error({ err: String(err), cause }, "could not reopen the page");
    } finally {
      this.recovering = false;
    }
  }

  /**
   * Puts the session on a new page (after a page crash, or in a new context after Chromium was
   * relaunched) at its last URL. Viewers keep their peers: frames simply resume.
   * The old page's parts are detached before the new page exists, so its popup guard does not
   * mistake the new page for a popup.
   */
  async rebuild(makePage: () => Promise<SessionPage>, notice: ReopenNotice = REOPEN_NOTICES.crash): Promise<void> {
    if (this.closed) return;
    await this.detachPage();
    const { context, page } = await makePage();
    this.context = context;
    this.currentPage = page;
    await this.start();
    await this.load(this.lastUrl).catch((err: unknown) => this.log.warn({ err: String(err) }, "reload after recovery failed"));
    this.broadcast({ type: "notice", ...notice });
  }

  private async detachPage(): Promise<void> {
    const attachment = this.attachment;
    this.attachment = null;
    await attachment?.close();
  }

  /** Whether a document refused in frame `frameId` was this session's page. */
  ownsFrame(frameId: string): boolean {
    return this.attachment?.ownsFrame(frameId) ?? false;
  }

  /** Sends a page event to every viewer. */
  broadcast(event: ChannelEvent): void {
    this.viewers.broadcast(event);
  }

  get url(): string {
    return this.page.url();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get viewerCount(): number {
    return this.viewers.count;
  }

  /** Navigates the page; the caller has checked the URL policy. */
  async load(url: string): Promise<void> {
    this.touch();
    try {
      await this.page.goto(url, { waitUntil: "commit", timeout: NAVIGATION_TIMEOUT_MS });
    } catch (err) {
      if (this.closed) throw new AppError("session_closed", `session ${this.id} was closed`);
      const reason = String((err as Error).message ?? err).split("\n")[0];
      throw new AppError("navigation_failed", `could not open ${url}: ${reason}`);
    }
    this.log.info({ url }, "navigated");
  }

  /** A new viewer gets a picture at once, and the state it cannot see in the picture. */
  attachPeer(peer: Peer): void {
    this.viewers.addPeer(peer, this.capture?.lastFrame ?? null);
    this.touch();
    this.upkeep.viewerJoined();
    this.sendCurrentState(peer);
  }

  /** The state a new viewer cannot see in the picture (keyboard, open dialogs, navigation, size). */
  private sendCurrentState(viewer: { sendEvent(event: ChannelEvent): void }): void {
    for (const event of this.bridge?.snapshot() ?? []) viewer.sendEvent(event);
    viewer.sendEvent({ type: "viewport", ...this.viewport });
    if (this.options.audio) viewer.sendEvent({ type: "audio", playing: this.options.audio.playing });
    if (this.options.audioUnavailable)
      viewer.sendEvent({ type: "notice", code: "audio_unavailable", message: this.options.audioUnavailable });
  }

  /** A viewer on the WebSocket picture path: the newest JPEG at once, then every new one. */
  attachJpegViewer(viewer: JpegViewer): void {
    this.viewers.addJpegViewer(viewer);
    this.touch();
    this.upkeep.viewerJoined();
    this.sendCurrentState(viewer);
  }

  detachJpegViewer(viewer: JpegViewer): void {
    if (this.viewers.removeJpegViewer(viewer)) this.viewerLeft();
  }

  /** The peer just connected: frames pushed before that were lost, so it gets the page again. */
  refreshPeer(peer: Peer): void {
    this.viewers.refreshPeer(peer, () => this.capture?.lastFrame ?? null);
  }

  detachPeer(peer: Peer): void {
    if (this.viewers.removePeer(peer)) this.viewerLeft();
  }

  private viewerLeft(): void {
    this.touch();
    if (this.viewerCount === 0) this.upkeep.viewersGone();
  }

  private readonly inputTargets: InputTargets = {
    replay: () => this.attachment?.input ?? null,
    // The tablet rotated or resized: the page's viewport and the stream follow.
    resize: (viewport) => this.resizes.request(viewport),
    navigate: (action) => void this.bridge?.navigate(action),
    answerSelect: (id, indexes) => void this.bridge?.answerSelect(id, indexes),
    answerDialog: (id, accept, text) => void this.bridge?.answerDialog(id, accept, text),
  };

  handleInput(input: InputMessage): void {
    this.touch();
    this.upkeep.inputSeen();
    routeInput(input, this.inputTargets);
  }

  /**
   * No input for `resetAfterIdleSeconds`: the page goes back to its kiosk URL. Clearing storage
   * means a fresh browser context, since only that drops IndexedDB, caches, service workers and
   * every other origin's storage; clearing in place is the fallback when none can be had.
   */
  private async resetToHome(): Promise<void> {
    if (this.closed) return;
    this.log.info({ clearStorage: this.options.clearStorageOnReset }, "no input for the reset period; back to the kiosk page");
    if (this.options.clearStorageOnReset && this.options.freshPage && !this.recovering) {
      const fresh = await this.options
        .freshPage()
        .catch((err: unknown) => void this.log.warn({ err: String(err) }, "no fresh context for the reset; clearing in place"));
      if (fresh) return this.moveToFreshContext(fresh);
    }
    if (this.options.clearStorageOnReset) {
      await this.context.clearCookies().catch(() => {});
      await this.page.evaluate("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}").catch(() => {});
    }
    await this.bridge?.navigate("home");
  }

  private async moveToFreshContext(fresh: SessionPage): Promise<void> {
    if (this.closed || this.recovering) return void (await fresh.context.close().catch(() => {}));
    this.recovering = true;
    const old = this.context;
    try {
      await this.detachPage();
      this.context = fresh.context;
      this.currentPage = fresh.page;
      this.lastUrl = this.options.homeUrl;
      await this.start();
      await this.load(this.options.homeUrl).catch((err: unknown) =>
        this.log.warn({ err: String(err) }, "loading the kiosk page after the reset failed"),
      );
    } finally {
      this.recovering = false;
      await old.close().catch(() => {});
    }
  }

  /** Per-viewer WebRTC sender figures and the capture counters, for diagnostics and the bench. */
  async stats(): Promise<{ capture: CaptureStats | null; peers: Record<string, unknown>[] }> {
    return { capture: this.capture ? { ...this.capture.stats } : null, peers: await this.viewers.peerStats() };
  }

  summary(): SessionSummary {
    const summary: SessionSummary = {
      session_id: this.id,
      url: this.url,
      viewport: this.viewport,
      viewers: this.viewers.peerCount,
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

  /** Closes peers, capture and the browser context. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.upkeep.close();
    this.crashLoop.close();
    this.viewers.closePeers();
    await this.detachPage();
    await this.context.close().catch(() => {});
    await this.options.audio?.close();
    this.log.info("session closed");
  }
}
