/**
 * A UDP proxy on loopback that makes a bad Wi-Fi link: it sits in front of a real coturn, and a
 * client told to use it as its TURN server gets every datagram, both ways, dropped with a
 * probability and delayed (jitter kept in order unless `reorder`). This kernel has no netem, so
 * the link is made in user space. Bounded: a cap on queued datagrams and on clients, and it
 * closes itself after `maxLifetimeMs`.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { LinkImpairment } from "./link-spec.js";

const LOOPBACK = "127.0.0.1";
/** A bench run lasts minutes; a proxy left behind by a crash stops by itself. */
export const DEFAULT_MAX_LIFETIME_MS = 60 * 60 * 1000;
/** Datagrams held per direction; more are dropped (a real queue overflows too). */
export const DEFAULT_MAX_QUEUED = 4096;
/** Distinct client addresses (one per TURN allocation); a bench has a handful. */
export const DEFAULT_MAX_CLIENTS = 64;

export interface ProxyOptions {
  /** The coturn port on 127.0.0.1 to forward to. */
  targetPort: number;
  link: LinkImpairment;
  /** A source of uniform numbers in [0, 1); seeded in tests. */
  random?: () => number;
  maxLifetimeMs?: number;
  maxQueued?: number;
  maxClients?: number;
}

export interface ProxyStats {
  forwarded: number;
  lost: number;
  overflow: number;
  reordered: number;
}

interface Held {
  at: number;
  data: Buffer;
  send: (data: Buffer) => void;
  seq: number;
}

/** One direction of the link: datagrams wait in release order, one timer for the earliest. */
class Lane {
  private readonly queue: Held[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastRelease = 0;
  private nextSeq = 0;
  private lastSentSeq = -1;

  constructor(
    private readonly link: LinkImpairment,
    private readonly random: () => number,
    private readonly maxQueued: number,
    private readonly stats: ProxyStats,
  ) {}

  push(data: Buffer, send: (data: Buffer) => void): void {
    if (this.random() < this.link.lossRate) {
      this.stats.lost++;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.stats.overflow++;
      return;
    }
    const now = performance.now();
    let at = now + this.link.delayMs + (this.random() * 2 - 1) * this.link.jitterMs;
    // In order: a datagram delayed less than the one before it waits for it, as on a Wi-Fi link
    // that holds a burst back and then delivers it.
    if (!this.link.reorder) at = Math.max(at, this.lastRelease);
    this.lastRelease = Math.max(this.lastRelease, at);
    const held: Held = { at, data, send, seq: this.nextSeq++ };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > at) i--;
    this.queue.splice(i, 0, held);
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.release();
    }, wait);
  }

  private release(): void {
    // Timers fire late by up to a millisecond or so: send everything that is due by now.
    const now = performance.now() + 0.5;
    while (this.queue.length > 0 && this.queue[0].at <= now) {
      const held = this.queue.shift()!;
      if (held.seq < this.lastSentSeq) this.stats.reordered++;
      this.lastSentSeq = Math.max(this.lastSentSeq, held.seq);
      this.stats.forwarded++;
      held.send(held.data);
    }
    this.arm();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

export class ImpairmentProxy {
  private readonly socket: Socket = createSocket("udp4");
  /** Client address → its own socket towards coturn, so coturn sees one 5-tuple per client. */
  private readonly upstreams = new Map<string, Socket>();
  private readonly toServer: Lane;
  private readonly toClient: Lane;
  private lifetimeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats: ProxyStats = { forwarded: 0, lost: 0, overflow: 0, reordered: 0 };
  port = 0;

  constructor(private readonly options: ProxyOptions) {
    const random = options.random ?? Math.random;
    const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.toServer = new Lane(options.link, random, maxQueued, this.stats);
    this.toClient = new Lane(options.link, random, maxQueued, this.stats);
  }

  async start(): Promise<void> {
    this.socket.on("message", (data, from) => this.fromClient(data, from));
    // A send to a peer that went away is no reason to stop the link.
    this.socket.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.bind(0, LOOPBACK, () => resolve());
    });
    this.port = this.socket.address().port;
    this.lifetimeTimer = setTimeout(() => void this.close(), this.options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS);
    this.lifetimeTimer.unref();
  }

  private fromClient(data: Buffer, from: RemoteInfo): void {
    if (this.closed || from.address !== LOOPBACK) return;
    const key = `${from.address}:${from.port}`;
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      if (this.upstreams.size >= (this.options.maxClients ?? DEFAULT_MAX_CLIENTS)) return;
      upstream = createSocket("udp4");
      upstream.on("error", () => {});
      upstream.bind(0, LOOPBACK);
      upstream.on("message", (reply) => {
        if (!this.closed) this.toClient.push(reply, (d) => this.socket.send(d, from.port, from.address));
      });
      this.upstreams.set(key, upstream);
    }
    const socket = upstream;
    this.toServer.push(data, (d) => socket.send(d, this.options.targetPort, LOOPBACK));
  }

  /** Stops forwarding and closes every socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.toServer.close();
    this.toClient.close();
    const sockets = [this.socket, ...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
