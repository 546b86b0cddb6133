/**
 * One RTCPeerConnection to the renderer, answering its offers: the video track comes in, input
 * goes out on the "input" DataChannel the renderer creates, and the page bridge's events come
 * back on it. A session link (session-link.ts) owns the peer link and the session controller
 * replaces both on every reconnect; `close()` silences every callback.
 */
import {
  type ChannelEvent,
  type IceCandidateInit,
  INPUT_CHANNEL_LABEL,
  type InputMessage,
  readChannelEvent,
} from "../../../protocol/index.js";
import { TailFlush } from "./tail-flush.js";

/** ICE "disconnected" often recovers by itself (a Wi-Fi roam); only a longer outage is a failure. */
export const DISCONNECTED_GRACE_MS = 5_000;
/** Pointer and touch moves are dropped, not queued, while the input channel is this far behind. */
const MAX_BUFFERED_INPUT_BYTES = 64 * 1024;

const FLUSH = JSON.stringify({ type: "flush" } satisfies InputMessage);

export type PeerConnectionConstructor = new (configuration: RTCConfiguration) => RTCPeerConnection;

/**
 * Chrome 69–71 can speak the renderer's Unified Plan when asked (their default is Plan B); newer
 * browsers ignore the key, older ones (65–68, Plan B only) still accept an offer of one audio and
 * one video track, which is all the renderer sends.
 */
const SDP_SEMANTICS = { sdpSemantics: "unified-plan" };

/**
 * Chrome 70 and older reject the whole offer on this session-level line ("Expects at least 2
 * fields"). It only offers mixed one- and two-byte RTP header extensions, which the renderer's
 * stream does not need, so the offer is applied without it everywhere.
 */
export function withoutExtmapAllowMixed(sdp: string): string {
  return sdp.replace(/^a=extmap-allow-mixed[ \t]*\r?\n/gm, "");
}

export interface LinkTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PeerLinkEvents {
  /** The remote page's video arrived (or changed). */
  stream(stream: MediaStream): void;
  /** A local ICE candidate to send to the renderer. */
  localCandidate(candidate: IceCandidateInit): void;
  /** ICE connected: media can flow. */
  connected(): void;
  /** The connection failed (or stayed disconnected too long); the link is of no further use. */
  failed(reason: string): void;
  /** The renderer rejected an input message. */
  inputError(message: string): void;
  /** The input channel opened: input can flow, and the renderer's page events follow. */
  channelOpen(): void;
  /** A page event from the renderer (focus, picker, dialog, page state, notice, viewport). */
  channelEvent(event: Exclude<ChannelEvent, { type: "input-error" }>): void;
}

export class PeerLink {
  private readonly peer: RTCPeerConnection;
  private channel: RTCDataChannel | null = null;
  private remoteDescriptionSet = false;
  private pendingCandidates: IceCandidateInit[] = [];
  private offers: Promise<unknown> = Promise.resolve();
  private disconnectTimer: unknown;
  private closed = false;
  private readonly tailFlush: TailFlush;

  constructor(
    PeerCtor: PeerConnectionConstructor,
    iceServers: RTCIceServer[],
    private readonly timers: LinkTimers,
    private readonly events: PeerLinkEvents,
  ) {
    this.tailFlush = new TailFlush(timers, () => this.sendNow(FLUSH));
    const peer = new PeerCtor({ iceServers, ...SDP_SEMANTICS });
    this.peer = peer;
    peer.ontrack = (event: RTCTrackEvent) => {
      if (!this.closed) this.events.stream(event.streams[0] ?? new MediaStream([event.track]));
    };
    peer.ondatachannel = (event: RTCDataChannelEvent) => {
      if (this.closed || event.channel.label !== INPUT_CHANNEL_LABEL) return;
      const channel = event.channel;
      this.channel = channel;
      channel.onmessage = (e: MessageEvent) => {
        const message = readChannelEvent(e.data);
        if (!message || this.closed) return;
        if (message.type === "input-error") this.events.inputError(message.message);
        else this.events.channelEvent(message);
      };
      channel.onclose = () => {
        if (this.channel === channel) this.channel = null;
      };
      if (channel.readyState === "open") this.events.channelOpen();
      else
        channel.onopen = () => {
          if (!this.closed && this.channel === channel) this.events.channelOpen();
        };
    };
    peer.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
      const c = event.candidate;
      // The end-of-candidates marker is not sent: the original design's server never expects it.
      if (this.closed || !c || !c.candidate) return;
      this.events.localCandidate({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    };
    peer.onconnectionstatechange = peer.oniceconnectionstatechange = () => this.onState();
  }

  /** Applies an offer and returns the answer's SDP. Offers are applied one at a time, in order. */
  applyOffer(offer: RTCSessionDescriptionInit): Promise<string> {
    const result = this.offers.then(async () => {
      await this.peer.setRemoteDescription({ type: offer.type, sdp: withoutExtmapAllowMixed(offer.sdp ?? "") });
      this.remoteDescriptionSet = true;
      this.flushCandidates();
      const answer = await this.peer.createAnswer();
      // Passing the answer (not the parameterless form) keeps older Android WebViews working.
      await this.peer.setLocalDescription(answer);
      return answer.sdp ?? "";
    });
    this.offers = result.catch(() => undefined);
    return result;
  }

  /** Adds a remote candidate, holding it until the remote description is set. */
  addRemoteCandidate(candidate: IceCandidateInit): void {
    if (this.closed || !candidate.candidate) return;
    if (!this.remoteDescriptionSet) {
      this.pendingCandidates.push(candidate);
      return;
    }
    this.peer.addIceCandidate(candidate).catch(() => {
      // A candidate the browser cannot use (e.g. an unsupported transport) is not fatal.
    });
  }

  /** Sends one input message; false when the channel is not open or too far behind for a move. */
  send(input: InputMessage): boolean {
    const channel = this.channel;
    if (this.closed || !channel || channel.readyState !== "open") return false;
    const isMove = (input.type === "pointer" || input.type === "touch") && input.action === "move";
    if (isMove && channel.bufferedAmount > MAX_BUFFERED_INPUT_BYTES) return false;
    if (!this.sendNow(JSON.stringify(input))) return false;
    // A move is followed by the next move anyway, and a resize is not waited for by a finger;
    // a tap, key or release is the last message for a while.
    if (!isMove && input.type !== "resize") this.tailFlush.arm();
    return true;
  }

  private sendNow(text: string): boolean {
    const channel = this.channel;
    if (this.closed || !channel || channel.readyState !== "open") return false;
    try {
      channel.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** The connection's stats (the viewer reads its own receiver's figures), or null once closed. */
  stats(): Promise<RTCStatsReport> | null {
    return this.closed ? null : this.peer.getStats();
  }

  /** False once the connection failed or closed: a link that only looks alive after the tablet slept. */
  get alive(): boolean {
    if (this.closed) return false;
    const state: string = this.peer.connectionState ?? this.peer.iceConnectionState;
    return state !== "failed" && state !== "closed";
  }

  /** Closes the connection and silences every callback. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearDisconnectTimer();
    this.tailFlush.close();
    const peer = this.peer;
    peer.ontrack = peer.ondatachannel = peer.onicecandidate = null;
    peer.onconnectionstatechange = peer.oniceconnectionstatechange = null;
    if (this.channel) this.channel.onmessage = this.channel.onclose = this.channel.onopen = null;
    this.channel = null;
    this.pendingCandidates = [];
    peer.close();
  }

  private onState(): void {
    if (this.closed) return;
    // connectionState is missing on old WebViews; the ICE state says nearly as much.
    const state: string = this.peer.connectionState ?? this.peer.iceConnectionState;
    if (state === "connected" || state === "completed") {
      this.clearDisconnectTimer();
      this.events.connected();
    } else if (state === "failed") {
      this.events.failed("The video connection failed.");
    } else if (state === "disconnected" && this.disconnectTimer === undefined) {
      this.disconnectTimer = this.timers.setTimeout(() => {
        this.disconnectTimer = undefined;
        if (!this.closed) this.events.failed("The video connection was interrupted.");
      }, DISCONNECTED_GRACE_MS);
    }
  }

  private flushCandidates(): void {
    const queued = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const candidate of queued) this.addRemoteCandidate(candidate);
  }

  private clearDisconnectTimer(): void {
    if (this.disconnectTimer !== undefined) this.timers.clearTimeout(this.disconnectTimer);
    this.disconnectTimer = undefined;
  }
}
