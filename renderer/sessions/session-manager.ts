/**
 * Owns every session: creation (kiosk or URL, viewport, id), the URL policy, the session limit,
 * idle closing, and attaching a viewer's peer to a session.
 */
import type { CreateSessionBody, IceCandidateInit, IceServer, KioskInfo } from "../../protocol/index.js";
import type { PulseServer } from "../audio/pulse-server.js";
import type { JpegViewer } from "./jpeg-viewer.js";
import type { SharedBrowser, ChromiumLaunch } from "../browser/shared-browser.js";
import type { BlockedDocument, RequestPolicy } from "../browser/navigation-guard.js";
import type { Config } from "../config/schema.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { IceServerSource } from "../webrtc/ice-servers.js";
import type { LinkTuning } from "../webrtc/link-tuning.js";
import { Peer } from "../webrtc/peer.js";
import { Session } from "./session.js";
import { planSession, type SessionSettings, sessionSettings } from "./session-plan.js";
import { BrowserRecovery } from "./browser-recovery.js";
import { KioskCatalog } from "./kiosk-catalog.js";
import { PageSource } from "./page-source.js";
import { type AudioCounts, countAudioParts } from "./session-audio.js";
import { SessionViewers } from "./session-viewers.js";
import { ANONYMOUS, type Client, SessionOwners } from "./session-owners.js";
import { appOrigins, UrlPolicy } from "./url-policy.js";

export interface SessionManagerOptions {
  config: Config;
  browser: SharedBrowser;
  /** How sound sessions launch their own Chromium (the egress proxy's port among it). */
  chromium: ChromiumLaunch;
  /** Where Chromium reaches the renderer's own built-in pages, e.g. http://127.0.0.1:8000. */
  selfOrigin: string;
  /** ICE servers for new peers (fresh TURN credentials each call). */
  iceServers: IceServerSource;
  /** The appliance's PulseAudio, when sound is configured and it runs; null otherwise. */
  pulse?: PulseServer | null;
  /** Why sound is off although configured (PulseAudio missing or failing), told to viewers. */
  audioUnavailable?: string | null;
  log: Logger;
  metrics?: Metrics;
  /** Loss resilience choices for every peer; the measured defaults when not given. */
  linkTuning?: LinkTuning;
  /** Told after a session closes (idle, DELETE or shutdown), so its viewers can be informed. */
  onClosed?: (id: string) => void;
}

export interface JoinCallbacks {
  onLocalCandidate: (candidate: IceCandidateInit) => void;
  onConnectionState?: (state: string) => void;
}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly owners: SessionOwners;
  private pending = 0;
  /** Peer ids count per manager, so two appliances in one process (the tests) do not share them. */
  private nextPeerId = 1;
  private readonly policy: UrlPolicy;
  private readonly kiosks: KioskCatalog;
  private readonly recovery: BrowserRecovery;
  private readonly pages: PageSource;
  private readonly settings: SessionSettings;
  private readonly log: Logger;
  private readonly selfOrigins: string[];
  private closing = false;

  constructor(private readonly options: SessionManagerOptions) {
    this.log = options.log.child({ module: "sessions" });
    this.settings = sessionSettings(options.config, options.linkTuning);
    this.owners = new SessionOwners(options.config.sessions.maxPerClient);
    this.kiosks = new KioskCatalog(options.config, options.selfOrigin);
    this.recovery = new BrowserRecovery({
      browser: options.browser,
      mobile: options.config.viewport.mobile,
      sessions: () => this.list(),
      closing: () => this.closing,
      log: this.log,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    this.selfOrigins = appOrigins(options.selfOrigin);
    this.policy = new UrlPolicy({
      kioskUrls: this.kiosks.urls(),
      allow: options.config.allow,
      selfOrigin: options.selfOrigin,
      allowCustomUrls: options.config.allowCustomUrls,
    });
    this.pages = new PageSource({
      browser: options.browser,
      chromium: options.chromium,
      pulse: options.pulse ?? null,
      audioUnavailable: options.audioUnavailable ?? null,
      policy: this.requestPolicy,
      onBlocked: (blocked) => this.notifyBlocked(blocked),
      // Looked up, not captured: a crash before the session is listed, or after it closed, is nobody's.
      onSoundBrowserCrash: (id, audio) => {
        const session = this.sessions.get(id);
        if (session?.audio === audio) void this.recoverSessionAudio(session);
      },
      log: options.log,
    });
  }

  /** The policy every connection of the browsers is held to (the egress proxy asks it). */
  get urlPolicy(): UrlPolicy {
    return this.policy;
  }

  /** The document policy for every browser's navigation guard. */
  get requestPolicy(): RequestPolicy {
    return { checkUrl: (url) => this.policy.check(url), selfOrigins: this.selfOrigins };
  }

  /** A browser refused a document: the session showing that page tells its viewers. */
  notifyBlocked(blocked: BlockedDocument): void {
    const session = this.list().find((s) => s.ownsFrame(blocked.frameId));
    session?.broadcast({ type: "notice", code: "url_not_allowed", message: `Not allowed on this kiosk: ${blocked.url.slice(0, 200)}` });
  }

  listKiosks(): KioskInfo[] {
    return this.kiosks.list();
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new AppError("session_not_found", `no session ${JSON.stringify(id)} (it may have timed out)`);
    return session;
  }

  /** Connected viewers over all sessions. */
  viewerCount(): number {
    return this.list().reduce((n, s) => n + s.viewerCount, 0);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /**
   * The session, if `client` may use it: one created by a tablet is that tablet's (and an
   * admin's); one created without a tablet id (a script, the original client) is anyone's.
   * Someone else's session is "not found", so ids cannot be probed.
   */
  getFor(id: string, client: Client): Session {
    const session = this.get(id);
    if (!this.owners.mayUse(id, client))
      throw new AppError("session_not_found", `no session ${JSON.stringify(id)} (it may have timed out)`);
    return session;
  }

  /**
   * Before a tablet creates a session, its previous ones nobody watches any more are closed: a
   * tablet going from kiosk to kiosk holds one session, not one per kiosk.
   */
  private async freePrevious(client: Client): Promise<void> {
    for (const id of this.owners.previousOf(client, (s) => this.sessions.get(s)?.viewerCount)) {
      this.log.info({ session: id }, "closing the tablet's previous session: it opened another");
      await this.close(id);
    }
  }

  async checkUrl(url: string): Promise<void> {
    const reason = await this.policy.check(url);
    if (reason) throw new AppError("url_not_allowed", `${url} may not be opened: ${reason}`);
  }

  async create(body: CreateSessionBody, client: Client = ANONYMOUS): Promise<Session> {
    if (this.closing) throw new AppError("browser_unavailable", "the appliance is shutting down");
    const { config } = this.options;
    const { url, kioskId, wantsAudio, custom, id, viewport } = planSession(body, this.kiosks, config.viewport);
    if (custom) await this.checkUrl(url);
    // Pending creates count too: two racing creates of one id must not both pass.
    if (this.owners.has(id)) throw new AppError("session_exists", `session ${JSON.stringify(id)} already exists`);
    await this.freePrevious(client);
    if (this.owners.has(id)) throw new AppError("session_exists", `session ${JSON.stringify(id)} already exists`);
    if (this.sessions.size + this.pending >= config.sessions.max) {
      throw new AppError("too_many_sessions", `all ${config.sessions.max} sessions are in use; close one or try again later`);
    }
    this.owners.checkQuota(client);

    this.pending++;
    // Counted from now, so parallel creates from one address cannot slip past the quota.
    this.owners.add(id, client);
    let session: Session;
    try {
      const viewers = new SessionViewers();
      const opened = await this.pages.open(id, wantsAudio, { viewport, mobile: config.viewport.mobile }, viewers);
      const { audio, audioUnavailable } = opened;
      session = new Session(
        {
          id,
          kioskId,
          viewport,
          viewers,
          ...this.settings,
          homeUrl: url,
          // The sound session's own browser, or the shared one, as the page itself came from.
          freshPage: () => (audio ?? this.options.browser).newPage({ viewport: session.viewport, mobile: config.viewport.mobile }),
          checkUrl: (u) => this.policy.check(u),
          metrics: this.options.metrics,
          log: this.options.log,
          onIdle: (s) => void this.close(s.id).catch(() => {}),
          ...(audio ? { audio } : {}),
          ...(audioUnavailable ? { audioUnavailable } : {}),
        },
        opened.page,
      );
    } catch (err) {
      this.owners.delete(id);
      throw err;
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
    this.log.info({ session: id, kiosk: kioskId, url, viewport, audio: session.audio !== null }, "session created");
    return session;
  }

  /** A session's own Chromium died, or PulseAudio restarted: its sound and page are made again. */
  recoverSessionAudio(session: Session): Promise<void> {
    return this.recovery.recoverSessionAudio(session);
  }

  /** PulseAudio came back after dying: every session with sound is set up again. */
  recoverAllAudio(): void {
    this.recovery.recoverAllAudio();
  }

  /** Whether sessions can have sound, and why not. */
  audioAvailability(): { available: boolean; reason?: string } {
    return this.pages.availability();
  }

  /** Sound figures for /api/info: what exists now. */
  audioCounts(): AudioCounts {
    return countAudioParts(this.list().map((session) => session.audio));
  }

  async load(id: string, url: string, client: Client = ANONYMOUS): Promise<Session> {
    const session = this.getFor(id, client);
    await this.checkUrl(url);
    await session.load(url);
    return session;
  }

  /** Creates a viewer's peer on a session; the caller drives the offer/answer exchange. */
  join(
    id: string,
    callbacks: JoinCallbacks,
    host: string | null = null,
    client: Client = ANONYMOUS,
  ): { session: Session; peer: Peer; iceServers: IceServer[] } {
    const session = this.withViewerRoom(this.getFor(id, client));
    const { config } = this.options;
    // One credential for both ends of this call; named after the session for coturn's logs.
    const iceServers = this.options.iceServers.forPeer(host, id);
    const peer = new Peer({
      id: `p${this.nextPeerId++}`,
      iceServers,
      audio: session.audio !== null,
      ...(this.options.linkTuning ? { tuning: this.options.linkTuning } : {}),
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
    this.owners.joined(id);
    return { session, peer, iceServers };
  }

  /** Adds a viewer on the WebSocket picture path, within the same viewer limit as WebRTC peers. */
  joinJpeg(id: string, viewer: JpegViewer): Session {
    const session = this.withViewerRoom(this.get(id));
    session.attachJpegViewer(viewer);
    return session;
  }

  /** WebRTC peers and JPEG viewers count against one limit per session. */
  private withViewerRoom(session: Session): Session {
    if (session.viewerCount >= this.options.config.sessions.maxViewersPerSession)
      throw new AppError("too_many_viewers", `session ${session.id} already has ${session.viewerCount} viewers`);
    return session;
  }

  leaveJpeg(session: Session, viewer: JpegViewer): void {
    session.detachJpegViewer(viewer);
  }

  leave(session: Session, peer: Peer): void {
    session.detachPeer(peer);
    peer.close();
  }

  /** DELETE by a client: only a session it may use. */
  async closeFor(id: string, client: Client): Promise<boolean> {
    if (!this.sessions.has(id)) return false;
    this.getFor(id, client);
    return this.close(id);
  }

  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.owners.delete(id);
    this.options.onClosed?.(id);
    await session.close();
    return true;
  }

  /** Chromium died: relaunch it and put every session on it back at its last URL. */
  recoverBrowser(): Promise<void> {
    return this.recovery.recoverBrowser();
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
