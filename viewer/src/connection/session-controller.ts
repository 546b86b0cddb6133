/**
 * Owns one viewer's connection to the renderer: the REST session (session-api.ts) and, per
 * attempt, the signaling WebSocket and the peer link (RTCPeerConnection and input DataChannel,
 * see session-link.ts and peer-link.ts), or the WebSocket picture path (jpeg-link.ts). Elements
 * only read its state and call `send()`; every network resource is opened in `hostConnected` and
 * closed in `hostDisconnected`. On a lost connection it rejoins the same session with exponential
 * backoff; without a network it waits for one; after the tablet slept it checks the link at once;
 * and a reopened viewer first rejoins the session it left (see session-memory.ts). What to do in
 * each case is decided apart, by pure functions: reconnect-policy.ts and transport-choice.ts.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { API_PATHS, describeError, type ErrorMessage, type InputMessage, sessionPath, type Viewport } from "../../../protocol/index.js";
import { httpUrl } from "./endpoint-url.js";
import { browserEnvironment, NetworkWatch } from "./network-watch.js";
import { type Link, openLink } from "./open-link.js";
import { afterConnectionLost, afterOffline, afterOnline, afterServerError, type SessionStatus } from "./reconnect-policy.js";
import { createSession, createSessionBody, deleteSession } from "./session-api.js";
import { type ControllerDeps, controllerDeps, type SessionControllerOptions } from "./session-controller-options.js";
import type { SessionLinkEvents } from "./session-link.js";
import { browserStore, type UiSettings } from "./session-memory.js";
import { SessionRecord } from "./session-record.js";
import { TimedNotice } from "./timed-notice.js";
import { TimerSlot } from "./timers.js";
import { FALLBACK_MESSAGE, type Transport } from "./transport.js";
import { TransportFallback } from "./transport-fallback.js";
import { WakeCheck } from "./wake-check.js";

export { DISCONNECTED_GRACE_MS, type PeerConnectionConstructor } from "./peer-link.js";
export { PING_INTERVAL_MS, type WebSocketConstructor } from "./session-link.js";
export { type FetchFunction } from "./session-api.js";
export type { KeyValueStore, UiSettings } from "./session-memory.js";
export type { NetworkEnvironment } from "./network-watch.js";
export type { Timers } from "./timers.js";
export { FALLBACK_MESSAGE, type Transport, WEBRTC_CONNECT_TIMEOUT_MS } from "./transport.js";
export type { SessionControllerOptions, SessionTarget } from "./session-controller-options.js";
export { WAKE_CHECK_TIMEOUT_MS } from "./wake-check.js";
export { RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS, type SessionStatus } from "./reconnect-policy.js";

/** What the overlay says while the tablet has no network. */
export const OFFLINE_MESSAGE = "No network — waiting for Wi-Fi";
/** Some WebViews miss the "online" event: while offline, look again this often. */
export const OFFLINE_RECHECK_MS = 5_000;

export class SessionController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly deps: ControllerDeps;
  private readonly session: SessionRecord;
  private readonly network: NetworkWatch;
  private readonly fallback: TransportFallback;

  private statusValue: SessionStatus = "closed";
  private statusMessageValue = "";
  private streamValue: MediaStream | null = null;

  /** Bumped by every teardown: an `open()` still awaiting a reply sees a stale epoch and stops. */
  private epoch = 0;
  private hostIsConnected = false;
  private attempts = 0;
  private recreates = 0;
  /** The socket and peer (or the picture socket) of the current attempt; replaced on every reconnect. */
  private link: Link | null = null;
  private peerConnected = false;
  private readonly reconnectTimer: TimerSlot;
  private readonly wakeCheck: WakeCheck;
  private readonly notices: TimedNotice;

  constructor(host: ReactiveControllerHost, options: SessionControllerOptions) {
    this.host = host;
    const deps = (this.deps = controllerDeps(options));
    this.reconnectTimer = new TimerSlot(deps.timers);
    this.wakeCheck = new WakeCheck(deps.timers, () => this.reconnectNow());
    this.notices = new TimedNotice(deps.timers, () => host.requestUpdate());
    this.fallback = new TransportFallback(
      options.transport ?? "auto",
      deps,
      () => this.isStreaming(),
      () => this.fallBack(),
    );
    this.session = new SessionRecord(options.storage === undefined ? browserStore() : options.storage);
    this.network = new NetworkWatch(options.environment ?? browserEnvironment(), {
      offline: () => this.onOffline(),
      online: () => this.onOnline(),
      visible: () => this.checkAfterWake(),
    });
    host.addController(this);
  }

  get status(): SessionStatus {
    return this.statusValue;
  }
  /** What the status overlay shows: progress, the reason for a reconnect, or the error. */
  get statusMessage(): string {
    return this.statusMessageValue;
  }
  /** The current connection's stats while streaming, else null (for the link-quality hint). */
  videoStats(): Promise<RTCStatsReport | null> {
    return this.statusValue === "streaming" && this.link ? this.link.stats() : Promise.resolve(null);
  }

  /** A short-lived message to show even while streaming (e.g. a rejected input). */
  get notice(): string | null {
    return this.notices.text;
  }
  get stream(): MediaStream | null {
    return this.streamValue;
  }
  /** The remote page's size in CSS pixels (the coordinate space of input messages). */
  get viewport(): Viewport | null {
    return this.session.viewport;
  }
  /** How the picture currently travels. */
  get transport(): Transport {
    return this.fallback.transport;
  }
  get sessionId(): string | null {
    return this.session.id;
  }
  /** How to present the session (config `ui`): from the create reply, else as last remembered. */
  get ui(): UiSettings {
    return this.session.ui;
  }

  hostConnected(): void {
    this.hostIsConnected = true;
    this.attempts = 0;
    this.recreates = 0;
    this.network.start();
    this.session.recall(this.deps.target());
    if (!this.network.online) this.goOffline();
    else void this.open();
  }

  hostDisconnected(): void {
    this.hostIsConnected = false;
    this.network.stop();
    this.teardown();
    this.setStatus("closed", "");
  }

  /** Sends one input message on the DataChannel; false when it is not open (the input is dropped). */
  send(input: InputMessage): boolean {
    return this.link?.send(input) ?? false;
  }

  /** Starts over now, without waiting for a backoff timer (the overlay's retry button). */
  retry(): void {
    if (!this.hostIsConnected) return;
    this.recreates = 0;
    this.reconnectNow();
  }

  /** Ends the session for good: closes the connections, forgets it, deletes it on the renderer. */
  async end(): Promise<void> {
    const sessionId = this.session.id;
    this.teardown();
    this.session.forget(this.deps.target());
    this.setStatus("closed", "Session ended.");
    if (!sessionId) return;
    await deleteSession(this.deps.fetch, httpUrl(this.deps.baseUrl, sessionPath(sessionId)), this.deps.timers);
  }

  private async open(startMessage = "Starting the session…"): Promise<void> {
    const epoch = this.epoch;
    if (!this.session.id) {
      this.setStatus(this.attempts > 0 ? "reconnecting" : "creating", startMessage);
      // The stream area has a size only once the host has rendered.
      await this.host.updateComplete;
      if (epoch !== this.epoch) return;
      const target = this.deps.target();
      const body = createSessionBody(target, this.deps.viewportSize());
      const created = await createSession(this.deps.fetch, httpUrl(this.deps.baseUrl, API_PATHS.createSession), body);
      if (epoch !== this.epoch) return;
      if (!created.ok) {
        if (created.retry) this.connectionLost(created.message);
        else this.fail(created.message);
        return;
      }
      this.session.adopt(target, created.reply);
    }
    this.setStatus(
      this.attempts > 0 ? "reconnecting" : "connecting",
      this.session.resuming ? "Returning to the page you left…" : "Connecting…",
    );
    this.openLink();
  }

  /** Opens the current attempt's link on the session's transport; a WebRTC one is watched for its first picture. */
  private openLink(): void {
    const id = this.session.id;
    if (!id) return;
    try {
      this.link = openLink(this.fallback.transport, this.deps, { id, signalingPath: this.session.signalingPath }, this.linkEvents());
    } catch (err) {
      return this.connectionLost(`Cannot open the signaling connection: ${describeError(err)}`);
    }
    this.fallback.watch();
  }

  /** The one table of what each link event does; either transport's link reports the same events. */
  private linkEvents(): SessionLinkEvents {
    return {
      viewport: (viewport) => {
        this.session.viewport = viewport;
        this.host.requestUpdate();
      },
      stream: (stream) => {
        this.streamValue = stream;
        this.updateStreaming();
      },
      connected: () => {
        this.peerConnected = true;
        this.updateStreaming();
      },
      ready: () => {
        if (this.statusValue !== "streaming") this.setStatus(this.statusValue, "Waiting for video…");
      },
      pong: () => this.wakeCheck.pong(),
      serverError: (message) => this.onServerError(message),
      lost: (reason) => {
        if (this.fallback.afterLinkLost(this.link?.socketOpen ?? false) === "fall-back") this.fallBack();
        else this.connectionLost(reason);
      },
      inputError: (message) => this.notices.show(`Input rejected: ${message}`),
      channelOpen: () => this.deps.onChannelOpen(),
      pageEvent: (event) => this.deps.onPageEvent(event),
    };
  }

  private onServerError(message: ErrorMessage): void {
    const decision = afterServerError({ code: message.code, status: this.statusValue, recreates: this.recreates });
    if (decision.kind === "notice") return this.notices.show(message.message);
    if (decision.kind === "reconnect") return this.connectionLost(message.message);
    this.recreates = decision.recreates;
    if (decision.kind === "fail") return this.fail(message.message);
    // The renderer no longer has our session (idle timeout, restart): start a fresh one.
    this.teardown();
    const progress = this.session.resuming
      ? "The page you left has closed; opening it again…"
      : "The session has ended; starting a new one…";
    this.session.id = null;
    this.session.resuming = false;
    void this.open(progress);
  }

  private isStreaming(): boolean {
    return this.peerConnected && this.streamValue !== null;
  }

  /** WebRTC cannot work on this tablet or network: the same session over the WebSocket picture path. */
  private fallBack(): void {
    this.fallback.switchToWebSocket();
    this.teardown();
    void this.open(FALLBACK_MESSAGE);
    // A notice, so the reason stays on screen while the picture path connects and starts.
    this.notices.show(FALLBACK_MESSAGE);
  }

  private updateStreaming(): void {
    if (!this.isStreaming()) {
      this.host.requestUpdate();
      return;
    }
    this.fallback.pictureShown();
    this.attempts = 0;
    this.recreates = 0;
    this.session.resuming = false;
    this.setStatus("streaming", "");
  }

  // ---- failure and recovery -----------------------------------------------------------------

  /** Drops the connections and tries again after the next backoff delay (same session id). */
  private connectionLost(reason: string): void {
    this.teardown();
    if (!this.hostIsConnected) return;
    const decision = afterConnectionLost({ attempts: this.attempts, online: this.network.online });
    if (decision.kind === "offline") return this.goOffline();
    this.attempts = decision.attempts;
    this.setStatus("reconnecting", `${reason} Reconnecting in ${Math.round(decision.delayMs / 1000)} s…`);
    this.reconnectTimer.start(decision.delayMs, () => void this.open());
  }

  /** Drops the connections and starts again now, with the backoff reset. */
  private reconnectNow(): void {
    this.teardown();
    this.attempts = 0;
    void this.open();
  }

  /** No network: nothing to retry until the "online" event (or a look that finds the network back). */
  private goOffline(): void {
    this.teardown();
    this.setStatus("offline", OFFLINE_MESSAGE);
    this.reconnectTimer.start(OFFLINE_RECHECK_MS, () => (this.network.online ? this.reconnectNow() : this.goOffline()));
  }

  private onOffline(): void {
    if (this.hostIsConnected && afterOffline(this.statusValue) === "go-offline") this.goOffline();
  }

  private onOnline(): void {
    if (this.hostIsConnected && afterOnline(this.statusValue) === "reconnect") this.reconnectNow();
  }

  /** Rebuilds a link that sleep killed silently, or pings one that looks alive (see wake-check.ts). */
  private checkAfterWake(): void {
    if (!this.hostIsConnected) return;
    const state = { status: this.statusValue, online: this.network.online, backoffPending: this.reconnectTimer.pending };
    this.wakeCheck.run(state, this.link);
  }

  private fail(message: string): void {
    this.teardown();
    this.setStatus("error", message);
  }

  /**
   * Closes socket, peer and channel, invalidates their callbacks and cancels a pending reconnect
   * (one is pending only while no link is open). Safe to call twice.
   */
  private teardown(): void {
    this.epoch += 1;
    this.reconnectTimer.clear();
    this.wakeCheck.stop();
    this.fallback.stop();
    this.link?.close();
    this.link = null;
    this.peerConnected = false;
    if (this.streamValue) {
      this.streamValue = null;
      this.host.requestUpdate();
    }
  }

  private setStatus(status: SessionStatus, message: string): void {
    this.statusValue = status;
    this.statusMessageValue = message;
    this.host.requestUpdate();
  }
}
