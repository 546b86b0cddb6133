/**
 * Turns touch pointers into `touch` messages with every finger that is down, as the remote
 * page's real touch events need them (multi-touch gestures, long-press, momentum scrolling all
 * happen in the page itself). Moves are coalesced to one message per animation frame; a pending
 * move is always sent before the next start or end, so nothing is ever reordered. Each message
 * carries when its change happened, so the renderer can keep the rhythm of taps (a double tap).
 */
import { MAX_TOUCH_POINTS, MAX_TOUCH_RADIUS, type TouchInput, type TouchPoint } from "../../../protocol/index.js";

/** Schedules a callback for the next animation frame; returns a handle for `cancel`. */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** A finger's position and contact shape, already in page CSS pixels. */
export type FingerState = Omit<TouchPoint, "id">;

export class TouchTracker {
  /** pointerId → the finger's protocol id and where it is now; insertion order is touch order. */
  private readonly fingers = new Map<number, TouchPoint>();
  private movePending = false;
  private frame = 0;
  /** When the latest change happened (ms, this device's clock), if the caller said. */
  private time: number | undefined;

  constructor(
    private readonly emit: (message: TouchInput) => void,
    private readonly frames: FrameScheduler = animationFrames,
  ) {}

  has(pointerId: number): boolean {
    return this.fingers.has(pointerId);
  }

  /** A finger touched; false when it is one too many. */
  start(pointerId: number, state: FingerState, time?: number): boolean {
    // The protocol's limit; further fingers are ignored until one lifts.
    if (this.fingers.has(pointerId) || this.fingers.size >= MAX_TOUCH_POINTS) return false;
    this.flush();
    this.time = time;
    this.fingers.set(pointerId, { id: this.freeId(), ...state });
    this.send("start");
    return true;
  }

  /** A finger moved; sent with the next animation frame (or before the next start or end). */
  move(pointerId: number, state: FingerState, time?: number): void {
    const finger = this.fingers.get(pointerId);
    if (!finger) return;
    this.time = time;
    this.fingers.set(pointerId, { id: finger.id, ...state });
    this.movePending = true;
    if (!this.frame) this.frame = this.frames.request(() => this.flush());
  }

  /** A finger lifted: the message carries the fingers still down. */
  end(pointerId: number, state?: FingerState, time?: number): void {
    const finger = this.fingers.get(pointerId);
    if (!finger) return;
    this.time = time;
    if (state && (state.x !== finger.x || state.y !== finger.y)) {
      this.fingers.set(pointerId, { id: finger.id, ...state });
      this.movePending = true; // Where it lifted counts as its last move.
    }
    this.flush();
    this.fingers.delete(pointerId);
    this.send("end");
  }

  /** The browser took the touches away (a system gesture, a palm): the whole sequence is cancelled. */
  cancel(time?: number): void {
    if (this.fingers.size === 0) return;
    this.time = time;
    this.dropPendingMove();
    this.fingers.clear();
    this.send("cancel");
  }

  /** Sends a move that is waiting for its frame, now. */
  flush(): void {
    const pending = this.movePending;
    this.dropPendingMove();
    if (pending && this.fingers.size > 0) this.send("move");
  }

  /** Forgets every finger without sending anything (the element left the page). */
  reset(): void {
    this.dropPendingMove();
    this.fingers.clear();
  }

  private send(action: TouchInput["action"]): void {
    const points = [...this.fingers.values()].map((p) => ({ ...p }));
    this.emit(this.time === undefined ? { type: "touch", action, points } : { type: "touch", action, points, time: this.time });
  }

  private dropPendingMove(): void {
    if (this.frame) this.frames.cancel(this.frame);
    this.frame = 0;
    this.movePending = false;
  }

  /** The smallest id no finger uses, so ids stay small and stable while a finger is down. */
  private freeId(): number {
    const used = new Set([...this.fingers.values()].map((p) => p.id));
    let id = 0;
    while (used.has(id)) id += 1;
    return id;
  }
}

/**
 * When an input event happened, in ms on this device's clock: the event's own time rather than
 * when a busy page got round to it. Browsers without `performance.timeOrigin` get the handling time.
 */
export function eventTime(e: Event): number {
  const origin = typeof performance !== "undefined" ? performance.timeOrigin : undefined;
  return origin ? Math.round(origin + e.timeStamp) : Date.now();
}

/**
 * A finger at `point` with the contact shape the pointer event reports, scaled by `scale` page
 * pixels per screen pixel. A width or height of 1 and a pressure of 0 mean the screen does not
 * report them; they are left out so the page gets the usual defaults.
 */
export function fingerState(e: PointerEvent, point: { x: number; y: number }, scale: number): FingerState {
  const finger: FingerState = { x: point.x, y: point.y };
  const radius = (side: number) => Math.min(MAX_TOUCH_RADIUS, Math.round((side / 2) * scale * 10) / 10);
  if (e.width > 1 || e.height > 1) {
    finger.radiusX = radius(e.width);
    finger.radiusY = radius(e.height);
  }
  if (e.pressure > 0) finger.force = Math.min(1, Math.round(e.pressure * 1000) / 1000); // float32 noise off the wire
  return finger;
}
