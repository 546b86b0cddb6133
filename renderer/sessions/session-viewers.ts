/**
 * The viewers of one session and what fans out to them: video frames and sound to the WebRTC
 * peers, JPEGs to the WebSocket picture path, page events to both. It exists before the session's
 * page does, because a sound session's capture starts (and sends) before the page is opened.
 */
import type { ChannelEvent } from "../../protocol/index.js";
import type { AudioData, I420Frame } from "../media/frames.js";
import type { Peer } from "../webrtc/peer.js";
import type { JpegViewer } from "./jpeg-viewer.js";

/** The second push of the newest frame to a viewer that just connected. */
export const REFRESH_REPEAT_MS = 150;

/** What the fan-out needs of a peer. */
export type ViewerPeer = Pick<Peer, "id" | "pushFrame" | "pushAudio" | "sendEvent" | "senderStats" | "close">;

export interface SessionViewersOptions {
  /** Runs `run` after `ms`; Node's unref'd setTimeout by default. */
  later?: (run: () => void, ms: number) => void;
}

function nodeLater(run: () => void, ms: number): void {
  setTimeout(run, ms).unref();
}

export class SessionViewers<P extends ViewerPeer = Peer> {
  private readonly peers = new Set<P>();
  private readonly jpegViewers = new Set<JpegViewer>();
  /** The newest JPEG, for a viewer that joins while the page is static. */
  private lastJpeg: string | null = null;
  private readonly later: (run: () => void, ms: number) => void;

  constructor(options: SessionViewersOptions = {}) {
    this.later = options.later ?? nodeLater;
  }

  get count(): number {
    return this.peers.size + this.jpegViewers.size;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /**
   * A new peer gets `newest` (the capture's newest frame, which may not have been pushed yet) at
   * once, even if the page is static and sends no other.
   */
  addPeer(peer: P, newest: I420Frame | null): void {
    this.peers.add(peer);
    if (newest) peer.pushFrame(newest);
  }

  /** Whether it was one of this session's peers. */
  removePeer(peer: P): boolean {
    return this.peers.delete(peer);
  }

  /** A new JPEG viewer gets the newest JPEG at once, then every new one. */
  addJpegViewer(viewer: JpegViewer): void {
    this.jpegViewers.add(viewer);
    if (this.lastJpeg) viewer.pushJpeg(this.lastJpeg);
  }

  removeJpegViewer(viewer: JpegViewer): boolean {
    return this.jpegViewers.delete(viewer);
  }

  pushFrame(frame: I420Frame): void {
    for (const peer of this.peers) peer.pushFrame(frame);
  }

  pushJpeg(jpeg: string): void {
    this.lastJpeg = jpeg;
    for (const viewer of this.jpegViewers) viewer.pushJpeg(jpeg);
  }

  pushAudio(frame: AudioData): void {
    for (const peer of this.peers) peer.pushAudio(frame);
  }

  broadcast(event: ChannelEvent): void {
    for (const peer of this.peers) peer.sendEvent(event);
    for (const viewer of this.jpegViewers) viewer.sendEvent(event);
  }

  /**
   * Sends the capture's newest frame to one peer again (it just connected): at once, and once more shortly
   * after, because a fresh encoder may drop its first input and a static page sends no other.
   */
  refreshPeer(peer: P, newest: () => I420Frame | null): void {
    const push = () => {
      const frame = newest();
      if (frame && this.peers.has(peer)) peer.pushFrame(frame);
    };
    push();
    this.later(push, REFRESH_REPEAT_MS);
  }

  /** Per-peer WebRTC sender figures. */
  peerStats(): Promise<Record<string, unknown>[]> {
    return Promise.all([...this.peers].map(async (peer) => ({ peer: peer.id, ...(await peer.senderStats()) })));
  }

  /** The session closes: every peer is closed; JPEG viewers are told by their own transport. */
  closePeers(): void {
    for (const peer of this.peers) peer.close();
    this.peers.clear();
  }
}
