/**
 * One attempt to join a session: the signaling WebSocket and the peer link it negotiates (the
 * renderer is the offerer). The session controller creates one per (re)connect and decides
 * what its events mean; `close()` closes both and silences every callback, so a stale link can
 * never touch the controller's state.
 */
import {
  type ClientMessage,
  describeError,
  type ErrorMessage,
  type IceCandidateInit,
  type InputMessage,
  type OfferMessage,
  type PageChannelEvent,
  readServerMessage,
  type ServerMessage,
  type ServerMessageType,
  type Viewport,
} from "../../../protocol/index.js";
import { type PeerConnectionConstructor, PeerLink } from "./peer-link.js";
import type { Timers } from "./timers.js";

/** The server answers a ping with a pong; the traffic also keeps proxies from closing an idle socket. */
export const PING_INTERVAL_MS = 15_000;

export type WebSocketConstructor = new (url: string) => WebSocket;

export interface SessionLinkEvents {
  /** The renderer's offer or a `viewport` event named the page's size. */
  viewport(viewport: Viewport): void;
  /** The remote page's video arrived (or changed). */
  stream(stream: MediaStream): void;
  /** ICE connected: media can flow. */
  connected(): void;
  /** The renderer applied the answer. */
  ready(): void;
  pong(): void;
  serverError(message: ErrorMessage): void;
  /** The socket closed or the peer failed; the link is of no further use. */
  lost(reason: string): void;
  inputError(message: string): void;
  channelOpen(): void;
  /** A page-bridge event (not viewport, not input-error: those are handled above). */
  pageEvent(event: PageChannelEvent): void;
}

export interface SessionLinkDeps {
  WebSocket: WebSocketConstructor;
  RTCPeerConnection: PeerConnectionConstructor;
  timers: Timers;
}

export class SessionLink {
  private readonly socket: WebSocket;
  private peer: PeerLink | null = null;
  /** Remote candidates that arrive before the offer (which creates the peer). */
  private earlyCandidates: IceCandidateInit[] = [];
  private pingTimer: unknown;
  private everStreamed = false;
  private closed = false;

  /** Throws when the WebSocket cannot even be constructed (a malformed URL). */
  constructor(
    private readonly deps: SessionLinkDeps,
    url: string,
    sessionId: string,
    private readonly events: SessionLinkEvents,
  ) {
    const socket = new deps.WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.closed) return;
      this.signal({ type: "join", session_id: sessionId });
      this.pingTimer = deps.timers.setInterval(() => this.signal({ type: "ping" }), PING_INTERVAL_MS);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.closed || typeof event.data !== "string") return;
      let message: ServerMessage;
      try {
        message = readServerMessage(JSON.parse(event.data));
      } catch {
        return; // Unknown or malformed: a newer server's extension, never worth dropping the stream for.
      }
      this.handle(message);
    };
    socket.onclose = () => {
      if (!this.closed) this.events.lost(this.everStreamed ? "Connection to the server lost." : "Cannot reach the server.");
    };
    // No onerror: a close event always follows an error and is handled there.
  }

  /** The socket is open (or opening) and the peer, if any, has not failed. */
  get alive(): boolean {
    return !this.closed && this.socket.readyState <= 1 && (this.peer?.alive ?? true);
  }

  /** The peer connection's stats, or null before the offer or after close. */
  stats(): Promise<RTCStatsReport | null> {
    return this.closed ? Promise.resolve(null) : (this.peer?.stats() ?? Promise.resolve(null));
  }

  get socketOpen(): boolean {
    return !this.closed && this.socket.readyState === 1;
  }

  /** Sends one input message on the DataChannel; false when it is not open (the input is dropped). */
  send(input: InputMessage): boolean {
    return this.peer?.send(input) ?? false;
  }

  signal(message: ClientMessage): void {
    if (this.socketOpen) this.socket.send(JSON.stringify(message));
  }

  /** Closes socket, peer and channel and silences their callbacks. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer !== undefined) this.deps.timers.clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000, "viewer closed");
    } catch {
      // Already closing.
    }
    this.peer?.close();
    this.peer = null;
    this.earlyCandidates = [];
  }

  private handle(message: ServerMessage): void {
    const handlers: { [K in ServerMessageType]: (m: Extract<ServerMessage, { type: K }>) => void } = {
      offer: (m) => void this.applyOffer(m),
      "ice-candidate": (m) => {
        if (this.peer) this.peer.addRemoteCandidate(m.candidate);
        else this.earlyCandidates.push(m.candidate);
      },
      ready: () => this.events.ready(),
      pong: () => this.events.pong(),
      error: (m) => this.events.serverError(m),
    };
    (handlers[message.type] as (m: ServerMessage) => void)(message);
  }

  private async applyOffer(message: OfferMessage): Promise<void> {
    if (message.viewport) this.events.viewport(message.viewport);
    // A later offer on the same socket renegotiates the existing connection.
    const peer = this.peer ?? this.createPeer(message.iceServers ?? []);
    try {
      const sdp = await peer.applyOffer(message.offer);
      if (!this.closed) this.signal({ type: "answer", answer: { type: "answer", sdp } });
    } catch (err) {
      if (!this.closed) this.events.lost(`Video negotiation failed: ${describeError(err)}`);
    }
  }

  private createPeer(iceServers: RTCIceServer[]): PeerLink {
    const peer = new PeerLink(this.deps.RTCPeerConnection, iceServers, this.deps.timers, {
      stream: (stream) => this.events.stream(stream),
      localCandidate: (candidate) => this.signal({ type: "ice-candidate", candidate }),
      connected: () => {
        this.everStreamed = true;
        this.events.connected();
      },
      failed: (reason) => this.events.lost(reason),
      inputError: (message) => this.events.inputError(message),
      channelOpen: () => this.events.channelOpen(),
      channelEvent: (event) => {
        if (event.type === "viewport") this.events.viewport({ width: event.width, height: event.height });
        else this.events.pageEvent(event);
      },
    });
    this.peer = peer;
    for (const candidate of this.earlyCandidates) peer.addRemoteCandidate(candidate);
    this.earlyCandidates = [];
    return peer;
  }
}
