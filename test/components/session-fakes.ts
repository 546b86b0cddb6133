/**
 * Fakes for the viewer's network seams, shared by the component tests: timers driven by hand, a
 * WebSocket, RTCPeerConnection and DataChannel driven by the test, a fetch that creates sessions,
 * an in-memory storage and a network environment whose online state and visibility tests set.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { FetchFunction, KeyValueStore, NetworkEnvironment, Timers } from "../../viewer/src/connection/session-controller.js";

/** Timers driven by hand: nothing runs until the test advances the clock. */
export class ManualTimers implements Timers {
  now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; every: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, every: 0, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  setInterval(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, every: ms, callback });
    return id;
  }
  clearInterval(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Delays of the timers waiting now, soonest first. */
  get delays(): number[] {
    return [...this.pending.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.pending.delete(id);
      timer.callback();
    }
    this.now = end;
  }
}

export class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("socket not open");
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  // Driven by the test:
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  ofType(type: string): Record<string, unknown>[] {
    return this.sent.filter((m) => m.type === type);
  }
}

export class FakeChannel {
  readonly label: string;
  readyState = "open";
  bufferedAmount = 0;
  readonly sent: string[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(label: string) {
    this.label = label;
  }
  send(data: string): void {
    this.sent.push(data);
  }
}

export class FakePeer {
  static instances: FakePeer[] = [];
  connectionState = "new";
  iceConnectionState = "new";
  signalingState = "stable";
  remote: RTCSessionDescriptionInit | null = null;
  local: RTCSessionDescriptionInit | null = null;
  readonly added: RTCIceCandidateInit[] = [];
  closed = false;
  ontrack: ((e: unknown) => void) | null = null;
  ondatachannel: ((e: unknown) => void) | null = null;
  onicecandidate: ((e: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;

  constructor(readonly config: RTCConfiguration) {
    FakePeer.instances.push(this);
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remote = description;
    this.signalingState = "have-remote-offer";
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    if (!this.remote) throw new Error("no remote description");
    return { type: "answer", sdp: `answer-to:${this.remote.sdp}` };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.local = description;
    this.signalingState = "stable";
  }
  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.remote) throw new Error("candidate before the remote description");
    this.added.push(candidate);
  }
  close(): void {
    this.closed = true;
    this.signalingState = "closed";
    this.connectionState = "closed";
  }
  // Driven by the test:
  emitTrack(stream: MediaStream): void {
    this.ontrack?.({ streams: [stream], track: stream.getTracks()[0] });
  }
  emitChannel(channel: FakeChannel): void {
    this.ondatachannel?.({ channel });
  }
  emitCandidate(candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null): void {
    this.onicecandidate?.({ candidate });
  }
  setState(state: string): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
  /** What getStats() returns: the test sets the video receiver's counters. */
  readonly stats = new Map<string, Record<string, unknown>>();
  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    return this.stats;
  }
  setVideoReceived(counters: { framesDecoded: number; freezeCount?: number; packetsReceived?: number; packetsLost?: number }): void {
    this.stats.set("IT01V", {
      type: "inbound-rtp",
      kind: "video",
      id: "IT01V",
      freezeCount: 0,
      packetsReceived: counters.framesDecoded * 10,
      packetsLost: 0,
      ...counters,
    });
  }
}

export class FakeHost implements ReactiveControllerHost {
  updates = 0;
  readonly controllers: ReactiveController[] = [];
  readonly updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
}

export interface Call {
  url: string;
  method: string;
  body: unknown;
}

/** The JSON a fake fetch was sent: the viewer only ever sends JSON text. */
export function jsonBody(init: RequestInit | undefined): unknown {
  const body = init?.body;
  if (!body) return undefined;
  if (typeof body !== "string") throw new TypeError(`expected a JSON text body, got ${Object.prototype.toString.call(body)}`);
  return JSON.parse(body);
}

/** A fetch that answers session creation with ids s1, s2, … (or a fixed failure); `extra` is merged into each create reply. */
export function fakeFetch(calls: Call[], failure?: { status: number; body: unknown }, extra: Record<string, unknown> = {}): FetchFunction {
  let created = 0;
  return async (url, init) => {
    const method = init?.method ?? "GET";
    calls.push({ url, method, body: jsonBody(init) });
    if (failure) return new Response(JSON.stringify(failure.body), { status: failure.status });
    if (method === "POST" && url.endsWith("/api/session/create")) {
      created += 1;
      const reply = {
        success: true,
        session_id: `s${created}`,
        viewport: { width: 1280, height: 720 },
        websocket_url: "/ws/signaling",
        url: "http://example.test/",
        message: "created",
        ...extra,
      };
      return new Response(JSON.stringify(reply), { status: 200 });
    }
    if (method === "DELETE") return new Response(JSON.stringify({ success: true }), { status: 200 });
    return new Response(JSON.stringify({ error: { code: "not_found", message: "no such route" } }), { status: 404 });
  };
}

/** Lets pending promise callbacks (fetch, SDP steps) run. */
export const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** Polls `read` until it returns something truthy, failing with "timed out waiting for `what`" after `timeoutMs`. */
export async function waitFor<T>(read: () => T | null | undefined | false, what: string, timeoutMs = 5_000, pollMs = 10): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Opens the signaling socket, delivers `offer`, lets the answer settle, then opens the input channel, adds `stream` and connects the last peer. */
export async function acceptOffer(
  socket: FakeSocket,
  offer: unknown,
  stream: MediaStream = new MediaStream(),
): Promise<{ socket: FakeSocket; peer: FakePeer; channel: FakeChannel }> {
  socket.open();
  socket.receive(offer);
  await settle();
  const peer = FakePeer.instances.at(-1)!;
  const channel = new FakeChannel("input");
  peer.emitChannel(channel);
  peer.emitTrack(stream);
  peer.setState("connected");
  return { socket, peer, channel };
}

/** Delivers `event` on the input channel, then awaits each update in order (each read only once the previous one is done). */
export async function receiveOn(
  channel: FakeChannel,
  event: unknown,
  ...updates: Array<() => Promise<unknown> | undefined>
): Promise<void> {
  channel.onmessage?.({ data: JSON.stringify(event) });
  for (const update of updates) await update();
}

/** localStorage as a Map. */
export class MemoryStorage implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

export class FakeDocument extends EventTarget {
  visibilityState = "visible";
  /** Hides or shows the page, as a tablet going to sleep and waking up. */
  setVisibility(state: "visible" | "hidden"): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event("visibilitychange"));
  }
}

/** Online state and visibility set by the test. */
export class FakeEnvironment implements NetworkEnvironment {
  readonly window = new EventTarget();
  readonly document = new FakeDocument();
  isOnline = true;
  online(): boolean {
    return this.isOnline;
  }
  goOffline(): void {
    this.isOnline = false;
    this.window.dispatchEvent(new Event("offline"));
  }
  goOnline(): void {
    this.isOnline = true;
    this.window.dispatchEvent(new Event("online"));
  }
}
