/**
 * Owns every session: creation (kiosk or URL, viewport, id), the URL policy, the session limit,
 * idle closing, and attaching a viewer's peer to a session.
 */
import { randomBytes } from "node:crypto";
import type { CreateSessionBody, IceCandidateInit, IceServer, KioskInfo, Viewport } from "../../protocol/index.js";
import type { BrowserPool } from "../browser/browser-pool.js";
import type { Config } from "../config/schema.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { IceServerSource } from "../webrtc/ice-servers.js";
import { Peer } from "../webrtc/peer.js";
import { evenSide, Session } from "./session.js";
import { appOrigins, UrlPolicy } from "./url-policy.js";

const RELAUNCH_FIRST_DELAY_MS = 500;
const RELAUNCH_MAX_DELAY_MS = 10_000;

export interface SessionManagerOptions {
  config: Config;
  browser: BrowserPool;
  /** Where Chromium reaches the renderer's own built-in pages, e.g. http://127.0.0.1:8000. */
  selfOrigin: string;
  /** ICE servers for new peers (fresh TURN credentials each call). */
  iceServers: IceServerSource;
  log: Logger;
  metrics?: Metrics;
}

export interface JoinCallbacks {
  onLocalCandidate: (candidate: IceCandidateInit) => void;
  onConnectionState?: (state: string) => void;
}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private pending = 0;
  private readonly policy: UrlPolicy;
  private readonly kiosks: KioskInfo[];
  private readonly log: Logger;
  private readonly selfOrigins: string[];
  private closing = false;
  private recovering = false;
  /** Told after a session closes (idle, DELETE or shutdown), so its viewers can be informed. */
  onClosed: ((id: string) => void) | null = null;

  constructor(private readonly options: SessionManagerOptions) {
    this.log = options.log.child({ module: "sessions" });
    this.kiosks = options.config.kiosks.map((k) => ({ ...k, url: UrlPolicy.resolveKioskUrl(k.url, options.selfOrigin) }));
    this.selfOrigins = appOrigins(options.selfOrigin);
    this.policy = new UrlPolicy(
      this.kiosks.map((k) => k.url),
      options.config.allow,
      options.selfOrigin,
      this.selfOrigins,
      options.config.allowCustomUrls,
    );
  }

  listKiosks(): KioskInfo[] {
    return this.kiosks.map((k) => ({ ...k }));
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new AppError(404, "session_not_found", `no session ${JSON.stringify(id)} (it may have timed out)`);
    return session;
  }

  /** Connected viewers over all sessions. */
  viewerCount(): number {
    return this.list().reduce((n, s) => n + s.viewerCount, 0);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  async checkUrl(url: string): Promise<void> {
    const reason = await this.policy.check(url);
    if (reason) throw new AppError(403, "url_not_allowed", `${url} may not be opened: ${reason}`);
  }

  async create(body: CreateSessionBody): Promise<Session> {
    if (this.closing) throw new AppError(503, "browser_unavailable", "the appliance is shutting down");
    const { config } = this.options;
    let url: string;
    let kioskId: string | undefined;
    if (body.kiosk !== undefined) {
      const kiosk = this.kiosks.find((k) => k.id === body.kiosk);
      if (!kiosk) throw new AppError(404, "unknown_kiosk", `no kiosk ${JSON.stringify(body.kiosk)}; configured: ${this.kiosks.map((k) => k.id).join(", ")}`);
      kioskId = kiosk.id;
      url = kiosk.url;
    } else if (body.url !== undefined) {
      url = body.url;
      await this.checkUrl(url);
    } else {
      // The original create-then-load flow: start on the first kiosk until told otherwise.
      kioskId = this.kiosks[0]!.id;
      url = this.kiosks[0]!.url;
    }
    const id = body.session_id ?? randomBytes(12).toString("base64url");
    if (this.sessions.has(id)) throw new AppError(409, "session_exists", `session ${JSON.stringify(id)} already exists`);
    if (this.sessions.size + this.pending >= config.sessions.max) {
      throw new AppError(503, "too_many_sessions", `all ${config.sessions.max} sessions are in use; close one or try again later`);
    }
    if (!this.options.browser.connected) throw new AppError(503, "browser_unavailable", "the browser is not running");
    const viewport: Viewport = {
      width: evenSide(body.width ?? config.viewport.width),
      height: evenSide(body.height ?? config.viewport.height),
    };

    this.pending++;
    let session: Session;
    try {
      const sessionPage = await this.options.browser.newPage({ viewport, mobile: config.viewport.mobile });
      session = new Session(
        {
          id,
          kioskId,
          viewport,
          jpegQuality: config.video.jpegQuality,
          maxFps: config.video.maxFps,
          captureMethod: config.video.capture,
          idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
          homeUrl: url,
          resetAfterIdleMs: config.sessions.resetAfterIdleSeconds * 1000,
          clearStorageOnReset: config.sessions.clearStorageOnReset,
          maxPageMemoryBytes: config.sessions.maxPageMemoryMB * 2 ** 20,
          checkUrl: (u) => this.policy.check(u),
          selfOrigins: this.selfOrigins,
          metrics: this.options.metrics,
          log: this.options.log,
          onIdle: (s) => void this.close(s.id).catch(() => {}),
        },
        sessionPage,
      );
    } finally {
      this.pending--;
    }
    this.sessions.set(id, session);
    try {
      await session.start();
      await session.load(url);
    } catch (err) {
      await this.close(id);
      throw err;
    }
    this.log.info({ session: id, kiosk: kioskId, url, viewport }, "session created");
    return session;
  }

  async load(id: string, url: string): Promise<Session> {
    const session = this.get(id);
    await this.checkUrl(url);
    await session.load(url);
    return session;
  }

  /** Creates a viewer's peer on a session; the caller drives the offer/answer exchange. */
  join(id: string, callbacks: JoinCallbacks, host: string | null = null): { session: Session; peer: Peer; iceServers: IceServer[] } {
    const session = this.get(id);
    const { config } = this.options;
    if (session.viewerCount >= config.sessions.maxViewersPerSession) {
      throw new AppError(503, "too_many_sessions", `session ${id} already has ${session.viewerCount} viewers`);
    }
    // One credential for both ends of this call; named after the session for coturn's logs.
    const iceServers = this.options.iceServers.forPeer(host, id);
    const peer = new Peer({
      iceServers,
      maxBitrateKbps: config.video.maxBitrateKbps,
      maxFps: config.video.maxFps,
      log: this.options.log.child({ session: id }),
      metrics: this.options.metrics,
      onInput: (input) => session.handleInput(input),
      onLocalCandidate: callbacks.onLocalCandidate,
      onConnectionState: (state) => {
        // Frames pushed before the connection was up were lost: show the page at once.
        if (state === "connected") session.refreshPeer(peer);
        callbacks.onConnectionState?.(state);
      },
    });
    session.attachPeer(peer);
    return { session, peer, iceServers };
  }

  leave(session: Session, peer: Peer): void {
    session.detachPeer(peer);
    peer.close();
  }

  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.onClosed?.(id);
    await session.close();
    return true;
  }

  /**
   * Chromium died: relaunch it (backing off while it fails) and put every session back on a
   * page at its last URL. Viewers keep their peers, so their pictures resume without a rejoin.
   */
  async recoverBrowser(): Promise<void> {
    if (this.recovering || this.closing) return;
    this.recovering = true;
    const started = Date.now();
    let delay = RELAUNCH_FIRST_DELAY_MS;
    try {
      while (!this.closing) {
        try {
          await this.options.browser.start();
          break;
        } catch (err) {
          this.log.error({ err: String(err), retryInMs: delay }, "relaunching chromium failed");
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, RELAUNCH_MAX_DELAY_MS);
        }
      }
      if (this.closing) return;
      this.options.metrics?.chromiumRestarts.inc();
      const mobile = this.options.config.viewport.mobile;
      await Promise.all(
        this.list().map((session) =>
          session
            .rebuild(() => this.options.browser.newPage({ viewport: session.viewport, mobile }), false)
            .catch((err: unknown) => this.log.error({ err: String(err), session: session.id }, "session could not be restored")),
        ),
      );
      this.log.info({ sessions: this.sessions.size, ms: Date.now() - started }, "chromium relaunched; sessions restored");
    } finally {
      this.recovering = false;
    }
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
