/**
 * Owns one viewer's connection to the renderer: the REST session, the signaling WebSocket and
 * the peer link (RTCPeerConnection and input DataChannel, see peer-link.ts). Elements only read
 * its state and call `send()`; every network resource is opened in `hostConnected` and closed in
 * `hostDisconnected`. On a lost connection it rejoins the same session with exponential backoff.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import {
  type ClientMessage,
  type CreateSessionBody,
  type IceCandidateInit,
  type InputMessage,
  type OfferMessage,
  SIGNALING_PATH,
  type Viewport,
} from "../../protocol/index.js";
import { type PeerConnectionConstructor, PeerLink } from "./peer-link.js";
import {
  describeError,
  errorMessageOf,
  type InboundSignal,
  type InboundSignalType,
  readCreateSessionReply,
  readInboundSignal,
  type ServerErrorMessage,
} from "./server-messages.js";

export { DISCONNECTED_GRACE_MS, MAX_BUFFERED_INPUT_BYTES, type PeerConnectionConstructor } from "./peer-link.js";

/** The server answers a ping with a pong; the traffic also keeps proxies from closing an idle socket. */
export const PING_INTERVAL_MS = 15_000;
/** First reconnect delay; each further attempt doubles it up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_BASE_DELAY_MS = 1_000;
export const RECONNECT_MAX_DELAY_MS = 10_000;
/** How long a transient notice (a rejected input, a server error while streaming) stays visible. */
export const NOTICE_DURATION_MS = 4_000;
/** `end()` waits at most this long for the DELETE, so a dead server never blocks the home button. */
export const END_REQUEST_TIMEOUT_MS = 2_000;
/** A server that keeps forgetting fresh sessions is broken; stop recreating after this many in a row. */
export const MAX_SESSION_RECREATES = 3;

export type SessionStatus = "creating" | "connecting" | "streaming" | "reconnecting" | "error" | "closed";

/** What to open: a configured kiosk by id, or a URL the renderer's policy allows. */
export interface SessionTarget {
  kiosk?: string;
  url?: string;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;
export type WebSocketConstructor = new (url: string) => WebSocket;

export interface SessionControllerOptions {
  /** Read when a session is created, so the host's attributes may change before it connects. */
  target: () => SessionTarget;
  /** Origin of the renderer's REST and WebSocket endpoints; defaults to the page's. */
  baseUrl?: string;
  fetch?: FetchFunction;
  WebSocket?: WebSocketConstructor;
  RTCPeerConnection?: PeerConnectionConstructor;
  timers?: Timers;
}

const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as number),
};

type CreateResult = { ok: true } | { ok: false; retry: boolean; message: string };

export class SessionController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly target: () => SessionTarget;
  private readonly baseUrl: string;
  private readonly fetch: FetchFunction;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly PeerCtor: PeerConnectionConstructor;
  private readonly timers: Timers;

  private statusValue: SessionStatus = "closed";
  private statusMessageValue = "";
  private noticeValue: string | null = null;
  private streamValue: MediaStream | null = null;
  private viewportValue: Viewport | null = null;
  private sessionIdValue: string | null = null;
  private signalingPath = SIGNALING_PATH;

  /** Bumped by every teardown: callbacks of an older socket or peer see a stale epoch and do nothing. */
  private epoch = 0;
  private hostIsConnected = false;
  private attempts = 0;
  private recreates = 0;
  private socket: WebSocket | null = null;
  private peer: PeerLink | null = null;
  private peerConnected = false;
  /** Remote candidates that arrive before the offer (which creates the peer). */
  private earlyCandidates: IceCandidateInit[] = [];
  private pingTimer: unknown;
  private reconnectTimer: unknown;
  private noticeTimer: unknown;

  constructor(host: ReactiveControllerHost, options: SessionControllerOptions) {
    this.host = host;
    this.target = options.target;
    this.baseUrl = options.baseUrl ?? globalThis.location.origin;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.WebSocketCtor = options.WebSocket ?? globalThis.WebSocket;
    this.PeerCtor = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.timers = options.timers ?? browserTimers;
    host.addController(this);
  }

  get status(): SessionStatus {
    return this.statusValue;
  }
  /** What the status overlay shows: progress, the reason for a reconnect, or the error. */
  get statusMessage(): string {
    return this.statusMessageValue;
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
  get sessionId(): string | null {
    return this.sessionIdValue;
  }

  hostConnected(): void {
    this.hostIsConnected = true;
    this.attempts = 0;
    this.recreates = 0;
    void this.open();
  }

  hostDisconnected(): void {
    this.hostIsConnected = false;
    this.teardown();
    this.clearReconnect();
    this.setStatus("closed", "");
  }

  /** Sends one input message on the DataChannel; false when it is not open (the input is dropped). */
  send(input: InputMessage): boolean {
    return this.peer?.send(input) ?? false;
  }

  /** Starts over now, without waiting for a backoff timer (the overlay's retry button). */
  retry(): void {
    if (!this.hostIsConnected) return;
    this.teardown();
    this.clearReconnect();
    this.attempts = 0;
    this.recreates = 0;
    void this.open();
  }

  /** Ends the session for good: closes the connections and deletes the session on the renderer. */
  async end(): Promise<void> {
    const sessionId = this.sessionIdValue;
    this.teardown();
    this.clearReconnect();
    this.sessionIdValue = null;
    this.setStatus("closed", "Session ended.");
    if (!sessionId) return;
    const request = this.fetch(this.httpUrl(`/api/session/${encodeURIComponent(sessionId)}`), { method: "DELETE", keepalive: true }).then(
      () => undefined,
      () => undefined,
    );
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = this.timers.setTimeout(resolve, END_REQUEST_TIMEOUT_MS);
    });
    await Promise.race([request, timeout]);
    this.timers.clearTimeout(timer);
  }

  // ---- session and socket -------------------------------------------------------------------

  private async open(): Promise<void> {
    const epoch = this.epoch;
    if (!this.sessionIdValue) {
      this.setStatus(this.attempts > 0 ? "reconnecting" : "creating", "Starting the session…");
      const created = await this.createSession(epoch);
      if (epoch !== this.epoch) return;
      if (!created.ok) {
        if (created.retry) this.connectionLost(created.message);
        else this.fail(created.message);
        return;
      }
    }
    this.setStatus(this.attempts > 0 ? "reconnecting" : "connecting", "Connecting…");
    this.openSocket(epoch);
  }

  private async createSession(epoch: number): Promise<CreateResult> {
    const target = this.target();
    const body: CreateSessionBody = {};
    if (target.kiosk) body.kiosk = target.kiosk;
    else if (target.url) body.url = target.url;
    let response: Response;
    try {
      response = await this.fetch(this.httpUrl("/api/session/create"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      return { ok: false, retry: true, message: "Cannot reach the server." };
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      // 4xx is the request's fault (unknown kiosk, URL not allowed): retrying cannot help.
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      return { ok: false, retry, message: errorMessageOf(json, response.status, response.statusText) };
    }
    try {
      const reply = readCreateSessionReply(json);
      if (epoch === this.epoch) {
        this.sessionIdValue = reply.session_id;
        this.viewportValue = reply.viewport;
        this.signalingPath = reply.websocket_url || SIGNALING_PATH;
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, retry: false, message: `Unexpected reply from the server: ${describeError(err)}` };
    }
  }

  private openSocket(epoch: number): void {
    let socket: WebSocket;
    try {
      socket = new this.WebSocketCtor(this.signalingUrl());
    } catch (err) {
      this.connectionLost(`Cannot open the signaling connection: ${describeError(err)}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (epoch !== this.epoch || !this.sessionIdValue) return;
      this.sendSignal({ type: "join", session_id: this.sessionIdValue });
      this.pingTimer = this.timers.setInterval(() => this.sendSignal({ type: "ping" }), PING_INTERVAL_MS);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (epoch !== this.epoch || typeof event.data !== "string") return;
      let message: InboundSignal;
      try {
        message = readInboundSignal(JSON.parse(event.data));
      } catch {
        return; // Unknown or malformed: a newer server's extension, never worth dropping the stream for.
      }
      this.handle(message, epoch);
    };
    socket.onclose = () => {
      if (epoch !== this.epoch) return;
      this.connectionLost(this.statusValue === "streaming" ? "Connection to the server lost." : "Cannot reach the server.");
    };
    // No onerror: a close event always follows an error and is handled there.
  }

  private sendSignal(message: ClientMessage): void {
    const socket = this.socket;
    if (socket && socket.readyState === 1 /* OPEN */) socket.send(JSON.stringify(message));
  }

  // ---- signaling dispatch -------------------------------------------------------------------

  private handle(message: InboundSignal, epoch: number): void {
    const handlers: { [K in InboundSignalType]: (m: Extract<InboundSignal, { type: K }>) => void } = {
      offer: (m) => void this.applyOffer(m, epoch),
      "ice-candidate": (m) => {
        if (this.peer) this.peer.addRemoteCandidate(m.candidate);
        else this.earlyCandidates.push(m.candidate);
      },
      ready: () => {
        if (this.statusValue !== "streaming") this.setStatus(this.statusValue, "Waiting for video…");
      },
      pong: () => {},
      error: (m) => this.onServerError(m),
    };
    (handlers[message.type] as (m: InboundSignal) => void)(message);
  }

  private async applyOffer(message: OfferMessage, epoch: number): Promise<void> {
    if (message.viewport) this.viewportValue = message.viewport;
    // A later offer on the same socket renegotiates the existing connection.
    const peer = this.peer ?? this.createPeer(message.iceServers ?? [], epoch);
    try {
      const sdp = await peer.applyOffer(message.offer);
      if (epoch !== this.epoch) return;
      this.sendSignal({ type: "answer", answer: { type: "answer", sdp } });
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.connectionLost(`Video negotiation failed: ${describeError(err)}`);
    }
  }

  private createPeer(iceServers: RTCIceServer[], epoch: number): PeerLink {
    const live = () => epoch === this.epoch;
    const peer = new PeerLink(this.PeerCtor, iceServers, this.timers, {
      stream: (stream) => {
        if (!live()) return;
        this.streamValue = stream;
        this.updateStreaming();
      },
      localCandidate: (candidate) => {
        if (live()) this.sendSignal({ type: "ice-candidate", candidate });
      },
      connected: () => {
        if (!live()) return;
        this.peerConnected = true;
        this.updateStreaming();
      },
      failed: (reason) => {
        if (live()) this.connectionLost(reason);
      },
      inputError: (message) => {
        if (live()) this.showNotice(`Input rejected: ${message}`);
      },
    });
    this.peer = peer;
    for (const candidate of this.earlyCandidates) peer.addRemoteCandidate(candidate);
    this.earlyCandidates = [];
    return peer;
  }

  private onServerError(message: ServerErrorMessage): void {
    if (message.code === "unknown_session" || message.code === "session_closed") {
      // The renderer no longer has our session (idle timeout, restart): start a fresh one.
      this.recreates += 1;
      if (this.recreates > MAX_SESSION_RECREATES) {
        this.fail(message.message);
        return;
      }
      this.teardown();
      this.sessionIdValue = null;
      this.setStatus("creating", "The session has ended; starting a new one…");
      void this.open();
      return;
    }
    if (this.statusValue === "streaming") {
      this.showNotice(message.message);
      return;
    }
    this.connectionLost(message.message);
  }

  private updateStreaming(): void {
    if (!this.peerConnected || !this.streamValue) {
      this.host.requestUpdate();
      return;
    }
    this.attempts = 0;
    this.recreates = 0;
    this.setStatus("streaming", "");
  }

  // ---- failure and recovery -----------------------------------------------------------------

  /** Drops the connections and tries again after the next backoff delay (same session id). */
  private connectionLost(reason: string): void {
    this.teardown();
    if (!this.hostIsConnected) return;
    const delay = Math.min(RECONNECT_BASE_DELAY_MS * 2 ** this.attempts, RECONNECT_MAX_DELAY_MS);
    this.attempts += 1;
    this.setStatus("reconnecting", `${reason} Reconnecting in ${Math.round(delay / 1000)} s…`);
    this.clearReconnect();
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, delay);
  }

  private fail(message: string): void {
    this.teardown();
    this.clearReconnect();
    this.setStatus("error", message);
  }

  /** Closes socket, peer and channel and invalidates their callbacks. Safe to call twice. */
  private teardown(): void {
    this.epoch += 1;
    if (this.pingTimer !== undefined) this.timers.clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000, "viewer closed");
      } catch {
        // Already closing.
      }
    }
    this.peer?.close();
    this.peer = null;
    this.peerConnected = false;
    this.earlyCandidates = [];
    if (this.streamValue) {
      this.streamValue = null;
      this.host.requestUpdate();
    }
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
    }, NOTICE_DURATION_MS);
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

  private signalingUrl(): string {
    const url = new URL(this.signalingPath, this.baseUrl);
    if (url.protocol === "https:") url.protocol = "wss:";
    else if (url.protocol === "http:") url.protocol = "ws:";
    return url.href;
  }
}
