/**
 * Owns one viewer's connection to the renderer: the REST session (session-api.ts) and, per
 * attempt, the signaling WebSocket and the peer link (RTCPeerConnection and input DataChannel,
 * see session-link.ts and peer-link.ts). Elements only read its state and call `send()`; every
 * network resource is opened in `hostConnected` and closed in `hostDisconnected`. On a lost
 * connection it rejoins the same session with exponential backoff; without a network it waits
 * for one; after the tablet slept it checks the link at once; and a reopened viewer first
 * rejoins the session it left (see session-memory.ts).
 */
import { afterConnectionLost, afterWake } from "./reconnect-policy.js";
import type { ReactiveController, ReactiveControllerHost } from "lit";
import {
  API_PATHS,
  type CreateSessionBody,
  describeError,
  type ErrorMessage,
  type InputMessage,
  JPEG_STREAM_PATH,
  type PageChannelEvent,
  sessionPath,
  SIGNALING_PATH,
  type Viewport,
} from "../../../protocol/index.js";
import { browserEnvironment, type NetworkEnvironment, NetworkWatch } from "./network-watch.js";
import { PAGE_NOTICE_DURATION_MS } from "../session-view/remote-page.js";
import type { PeerConnectionConstructor } from "./peer-link.js";
import { createSession, deleteSession, type FetchFunction, rendererViewport } from "./session-api.js";
import { SessionLink, type SessionLinkEvents, type WebSocketConstructor } from "./session-link.js";
import { canStreamCanvas, type JpegCanvas, JpegLink } from "./jpeg-link.js";
import { type Transport, WEBRTC_CONNECT_TIMEOUT_MS, FALLBACK_MESSAGE, webRtcUsable } from "./transport.js";
import { browserStore, DEFAULT_UI, type KeyValueStore, SessionMemory, type UiSettings } from "./session-memory.js";
import { browserTimers, type Timers } from "./timers.js";

export { DISCONNECTED_GRACE_MS, MAX_BUFFERED_INPUT_BYTES, type PeerConnectionConstructor } from "./peer-link.js";
export { PING_INTERVAL_MS, type WebSocketConstructor } from "./session-link.js";
export type { FetchFunction } from "./session-api.js";
export type { KeyValueStore, UiSettings } from "./session-memory.js";
export type { NetworkEnvironment } from "./network-watch.js";
export type { Timers } from "./timers.js";
export { FALLBACK_MESSAGE, type Transport, WEBRTC_CONNECT_TIMEOUT_MS } from "./transport.js";

export { RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS } from "./reconnect-policy.js";
/** `end()` waits at most this long for the DELETE, so a dead server never blocks the home button. */
export const END_REQUEST_TIMEOUT_MS = 2_000;
/** A server that keeps forgetting fresh sessions is broken; stop recreating after this many in a row. */
export const MAX_SESSION_RECREATES = 3;
/** After the tablet wakes, a pong must come back this soon or the link is rebuilt at once. */
export const WAKE_CHECK_TIMEOUT_MS = 4_000;
/** What the overlay says while the tablet has no network. */
export const OFFLINE_MESSAGE = "No network — waiting for Wi-Fi";
/** Some WebViews miss the "online" event: while offline, look again this often. */
export const OFFLINE_RECHECK_MS = 5_000;

export type SessionStatus = "creating" | "connecting" | "streaming" | "reconnecting" | "offline" | "error" | "closed";

/** What to open: a configured kiosk by id, or a URL the renderer's policy allows. */
export interface SessionTarget {
  kiosk?: string;
  url?: string;
}

export interface SessionControllerOptions {
  /** Read when a session is created, so the host's attributes may change before it connects. */
  target: () => SessionTarget;
  /** Origin of the renderer's REST and WebSocket endpoints; defaults to the page's. */
  baseUrl?: string;
  fetch?: FetchFunction;
  WebSocket?: WebSocketConstructor;
  RTCPeerConnection?: PeerConnectionConstructor;
  timers?: Timers;
  /** The stream area's CSS size, read when a session is created: the page gets the tablet's size. */
  viewportSize?: () => Viewport | null;
  /** Where the session id is remembered for a resume; localStorage by default, null for none. */
  storage?: KeyValueStore | null;
  /** Online/offline and visibility signals; the page's own by default. */
  environment?: NetworkEnvironment;
  /** The page bridge's events (focus, select-open, dialog, page, notice), in order. */
  onPageEvent?: (event: PageChannelEvent) => void;
  /** A (re)opened input channel: the renderer now sends the page's current state again, and input flows. */
  onChannelOpen?: () => void;
  /** "auto" (default): WebRTC, and the WebSocket picture path where WebRTC is missing or fails. */
  transport?: Transport | "auto";
  /** Canvas and JPEG decoding for the WebSocket picture path. */
  canvas?: JpegCanvas;
}

export class SessionController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly target: () => SessionTarget;
  private readonly baseUrl: string;
  private readonly fetch: FetchFunction;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly PeerCtor: PeerConnectionConstructor;
  private readonly timers: Timers;
  private readonly viewportSize: () => Viewport | null;
  private readonly memory: SessionMemory;
  private readonly network: NetworkWatch;
  private readonly onPageEvent: (event: PageChannelEvent) => void;
  private readonly onChannelOpen: () => void;
  private readonly autoTransport: boolean;
  private readonly canvas: JpegCanvas | undefined;
  private transportValue: Transport;
  private fallbackTimer: unknown;
  /** WebRTC showed a picture here once: later failures are the network's moods, not a reason to switch. */
  private webRtcWorked = false;

  private statusValue: SessionStatus = "closed";
  private statusMessageValue = "";
  private noticeValue: string | null = null;
  private streamValue: MediaStream | null = null;
  private viewportValue: Viewport | null = null;
  private sessionIdValue: string | null = null;
  private uiValue: UiSettings;
  private signalingPath = SIGNALING_PATH;
  /** The session id came from the tablet's memory, not from a create: it may have timed out. */
  private resuming = false;

  /** Bumped by every teardown: an `open()` still awaiting a reply sees a stale epoch and stops. */
  private epoch = 0;
  private hostIsConnected = false;
  private attempts = 0;
  private recreates = 0;
  /** The socket and peer (or the picture socket) of the current attempt; replaced on every reconnect. */
  private link: SessionLink | JpegLink | null = null;
  private peerConnected = false;
  private reconnectTimer: unknown;
  private noticeTimer: unknown;
  private wakeCheckTimer: unknown;

  constructor(host: ReactiveControllerHost, options: SessionControllerOptions) {
    this.host = host;
    this.target = options.target;
    this.baseUrl = options.baseUrl ?? globalThis.location.origin;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.WebSocketCtor = options.WebSocket ?? globalThis.WebSocket;
    this.PeerCtor = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.timers = options.timers ?? browserTimers;
    this.viewportSize = options.viewportSize ?? (() => null);
    this.memory = new SessionMemory(options.storage === undefined ? browserStore() : options.storage);
    this.network = new NetworkWatch(options.environment ?? browserEnvironment(), {
      offline: () => this.onOffline(),
      online: () => this.onOnline(),
      visible: () => this.checkAfterWake(),
    });
    this.onPageEvent = options.onPageEvent ?? (() => undefined);
    this.onChannelOpen = options.onChannelOpen ?? (() => undefined);
    this.uiValue = this.memory.ui() ?? DEFAULT_UI;
    const transport = options.transport ?? "auto";
    this.autoTransport = transport === "auto";
    this.canvas = options.canvas;
    this.transportValue =
      transport === "websocket" || (transport === "auto" && !webRtcUsable(this.PeerCtor) && canStreamCanvas()) ? "websocket" : "webrtc";
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
    return this.noticeValue;
  }
  get stream(): MediaStream | null {
    return this.streamValue;
  }
  /** The remote page's size in CSS pixels (the coordinate space of input messages). */
  get viewport(): Viewport | null {
    return this.viewportValue;
  }
  /** How the picture currently travels. */
  get transport(): Transport {
    return this.transportValue;
  }
  get sessionId(): string | null {
    return this.sessionIdValue;
  }
  /** How to present the session (config `ui`): from the create reply, else as last remembered. */
  get ui(): UiSettings {
    return this.uiValue;
  }

  hostConnected(): void {
    this.hostIsConnected = true;
    this.attempts = 0;
    this.recreates = 0;
    this.network.start();
    if (!this.sessionIdValue) {
      this.sessionIdValue = this.memory.sessionFor(this.target());
      this.resuming = this.sessionIdValue !== null;
    }
    if (!this.network.online) this.goOffline();
    else void this.open();
  }

  hostDisconnected(): void {
    this.hostIsConnected = false;
    this.network.stop();
    this.teardown();
    this.clearReconnect();
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
    const sessionId = this.sessionIdValue;
    this.teardown();
    this.clearReconnect();
    this.sessionIdValue = null;
    this.memory.forget(this.target());
    this.setStatus("closed", "Session ended.");
    if (!sessionId) return;
    await deleteSession(this.fetch, this.httpUrl(sessionPath(sessionId)), this.timers, END_REQUEST_TIMEOUT_MS);
  }

  private async open(startMessage = "Starting the session…"): Promise<void> {
    const epoch = this.epoch;
    if (!this.sessionIdValue) {
      this.setStatus(this.attempts > 0 ? "reconnecting" : "creating", startMessage);
      // The stream area has a size only once the host has rendered.
      await this.host.updateComplete;
      if (epoch !== this.epoch) return;
      const target = this.target();
      const body: CreateSessionBody = {};
      if (target.kiosk) body.kiosk = target.kiosk;
      else if (target.url) body.url = target.url;
      const size = rendererViewport(this.viewportSize());
      if (size) Object.assign(body, size);
      const created = await createSession(this.fetch, this.httpUrl(API_PATHS.createSession), body);
      if (epoch !== this.epoch) return;
      if (!created.ok) {
        if (created.retry) this.connectionLost(created.message);
        else this.fail(created.message);
        return;
      }
      const reply = created.reply;
      this.sessionIdValue = reply.session_id;
      this.viewportValue = reply.viewport;
      this.signalingPath = reply.websocket_url || SIGNALING_PATH;
      this.uiValue = reply.ui ?? DEFAULT_UI;
      this.memory.remember(target, reply.session_id);
      this.memory.rememberUi(this.uiValue);
    }
    this.setStatus(this.attempts > 0 ? "reconnecting" : "connecting", this.resuming ? "Returning to the page you left…" : "Connecting…");
    this.openSocket();
  }

  private openSocket(): void {
    const sessionId = this.sessionIdValue;
    if (!sessionId) return;
    const deps = { WebSocket: this.WebSocketCtor, RTCPeerConnection: this.PeerCtor, timers: this.timers };
    const webrtc = this.transportValue === "webrtc";
    try {
      const events: SessionLinkEvents = {
        viewport: (viewport) => {
          this.viewportValue = viewport;
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
        pong: () => this.clearWakeCheck(),
        serverError: (message) => this.onServerError(message),
        lost: (reason: string) => {
          // The socket is still up but WebRTC failed before any picture: the network or the browser cannot do it.
          if (webrtc && this.link?.socketOpen && !this.isStreaming() && !this.webRtcWorked && this.autoTransport && canStreamCanvas())
            this.fallBack();
          else this.connectionLost(reason);
        },
        inputError: (message) => this.showNotice(`Input rejected: ${message}`),
        channelOpen: () => this.onChannelOpen(),
        pageEvent: (event: PageChannelEvent) => this.onPageEvent(event),
      };
      if (webrtc) {
        this.link = new SessionLink(deps, this.socketUrl(this.signalingPath), sessionId, events);
        if (this.autoTransport && canStreamCanvas()) {
          this.fallbackTimer = this.timers.setTimeout(() => {
            this.fallbackTimer = undefined;
            if (!this.isStreaming()) this.fallBack();
          }, WEBRTC_CONNECT_TIMEOUT_MS);
        }
      } else {
        const jpegDeps = { WebSocket: this.WebSocketCtor, timers: this.timers, ...(this.canvas ? { canvas: this.canvas } : {}) };
        this.link = new JpegLink(jpegDeps, this.socketUrl(JPEG_STREAM_PATH), sessionId, events);
      }
    } catch (err) {
      this.connectionLost(`Cannot open the signaling connection: ${describeError(err)}`);
    }
  }

  private onServerError(message: ErrorMessage): void {
    if (message.code === "unknown_session" || message.code === "session_closed") {
      // The renderer no longer has our session (idle timeout, restart): start a fresh one.
      this.recreates += 1;
      if (this.recreates > MAX_SESSION_RECREATES) {
        this.fail(message.message);
        return;
      }
      this.teardown();
      this.sessionIdValue = null;
      const progress = this.resuming ? "The page you left has closed; opening it again…" : "The session has ended; starting a new one…";
      this.resuming = false;
      void this.open(progress);
      return;
    }
    if (this.statusValue === "streaming") {
      this.showNotice(message.message);
      return;
    }
    this.connectionLost(message.message);
  }

  private isStreaming(): boolean {
    return this.peerConnected && this.streamValue !== null;
  }

  /** WebRTC cannot work on this tablet or network: the same session over the WebSocket picture path. */
  private fallBack(): void {
    if (!this.autoTransport || this.transportValue === "websocket" || this.webRtcWorked || !canStreamCanvas()) return;
    this.transportValue = "websocket";
    this.teardown();
    this.clearReconnect();
    void this.open(FALLBACK_MESSAGE);
    // A notice, so the reason stays on screen while the picture path connects and starts.
    this.showNotice(FALLBACK_MESSAGE);
  }

  private updateStreaming(): void {
    if (!this.isStreaming()) {
      this.host.requestUpdate();
      return;
    }
    this.clearFallbackTimer();
    if (this.transportValue === "webrtc") this.webRtcWorked = true;
    this.attempts = 0;
    this.recreates = 0;
    this.resuming = false;
    this.setStatus("streaming", "");
  }

  // ---- failure and recovery -----------------------------------------------------------------

  /** Drops the connections and tries again after the next backoff delay (same session id). */
  private connectionLost(reason: string): void {
    this.teardown();
    if (!this.hostIsConnected) return;
    const decision = afterConnectionLost({ attempts: this.attempts, online: this.network.online });
    if (decision.kind === "offline") {
      this.goOffline();
      return;
    }
    const delay = decision.delayMs;
    this.attempts = decision.attempts;
    this.setStatus("reconnecting", `${reason} Reconnecting in ${Math.round(delay / 1000)} s…`);
    this.clearReconnect();
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, delay);
  }

  /** Drops the connections and starts again now, with the backoff reset. */
  private reconnectNow(): void {
    this.teardown();
    this.clearReconnect();
    this.attempts = 0;
    void this.open();
  }

  /** No network: nothing to retry until the "online" event (or a look that finds the network back). */
  private goOffline(): void {
    this.teardown();
    this.clearReconnect();
    this.setStatus("offline", OFFLINE_MESSAGE);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.network.online) this.reconnectNow();
      else this.goOffline();
    }, OFFLINE_RECHECK_MS);
  }

  private onOffline(): void {
    if (this.hostIsConnected && this.statusValue !== "error" && this.statusValue !== "closed") this.goOffline();
  }

  private onOnline(): void {
    if (this.hostIsConnected && (this.statusValue === "offline" || this.statusValue === "reconnecting")) this.reconnectNow();
  }

  /** Rebuilds a link that sleep killed silently, or pings one that looks alive (see afterWake). */
  private checkAfterWake(): void {
    if (!this.hostIsConnected) return;
    const link = this.link;
    const decision = afterWake({
      status: this.statusValue,
      online: this.network.online,
      backoffPending: this.reconnectTimer !== undefined,
      linkAlive: !!link && link.alive,
      socketOpen: !!link && link.socketOpen,
      pingPending: this.wakeCheckTimer !== undefined,
    });
    if (decision === "reconnect") this.reconnectNow();
    if (decision !== "ping" || !link) return;
    link.signal({ type: "ping" });
    this.wakeCheckTimer = this.timers.setTimeout(() => {
      this.wakeCheckTimer = undefined;
      this.reconnectNow();
    }, WAKE_CHECK_TIMEOUT_MS);
  }

  private clearWakeCheck(): void {
    if (this.wakeCheckTimer !== undefined) this.timers.clearTimeout(this.wakeCheckTimer);
    this.wakeCheckTimer = undefined;
  }

  private fail(message: string): void {
    this.teardown();
    this.clearReconnect();
    this.setStatus("error", message);
  }

  /** Closes socket, peer and channel and invalidates their callbacks. Safe to call twice. */
  private teardown(): void {
    this.epoch += 1;
    this.clearWakeCheck();
    this.clearFallbackTimer();
    this.link?.close();
    this.link = null;
    this.peerConnected = false;
    if (this.streamValue) {
      this.streamValue = null;
      this.host.requestUpdate();
    }
  }

  private clearFallbackTimer(): void {
    if (this.fallbackTimer !== undefined) this.timers.clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== undefined) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private showNotice(text: string): void {
    this.noticeValue = text;
    if (this.noticeTimer !== undefined) this.timers.clearTimeout(this.noticeTimer);
    this.noticeTimer = this.timers.setTimeout(() => {
      this.noticeTimer = undefined;
      this.noticeValue = null;
      this.host.requestUpdate();
    }, PAGE_NOTICE_DURATION_MS);
    this.host.requestUpdate();
  }

  private setStatus(status: SessionStatus, message: string): void {
    this.statusValue = status;
    this.statusMessageValue = message;
    this.host.requestUpdate();
  }

  private httpUrl(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  private socketUrl(path: string): string {
    const url = new URL(path, this.baseUrl);
    if (url.protocol === "https:") url.protocol = "wss:";
    else if (url.protocol === "http:") url.protocol = "ws:";
    return url.href;
  }
}
