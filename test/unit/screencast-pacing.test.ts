/**
 * The screencast's pacing on a manual clock: newest frame only while one decodes, frames reach
 * the peers at most 1/maxFps apart (a frame too soon is held, not dropped), a changed frame is
 * pushed once more SETTLE_REPUSH_MS later, and a static page is re-pushed every REPUSH_INTERVAL_MS.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { CDPSession } from "playwright-core";
import type { Logger } from "../../renderer/log.js";
import {
  type FrameDecoder,
  type PacingClock,
  REPUSH_INTERVAL_MS,
  ScreencastCapture,
  SETTLE_REPUSH_MS,
} from "../../renderer/capture/screencast.js";
import type { I420Frame } from "../../renderer/media/frames.js";

/** Time moves only when a test advances it; due timers run in order. Starts well after 0, as a real clock does. */
class ManualClock implements PacingClock {
  private time = 10_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; every: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(this.nextId, { at: this.time + ms, every: 0, callback });
    return this.nextId++;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  setInterval(callback: () => void, ms: number): unknown {
    this.timers.set(this.nextId, { at: this.time + ms, every: ms, callback });
    return this.nextId++;
  }
  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.timers.delete(id);
      timer.callback();
    }
    this.time = end;
  }
}

/** A CDP session that only carries screencast frames in and acknowledgements out. */
class FakeCdp {
  private readonly listeners = new Map<string, (event: unknown) => void>();
  on(event: string, listener: (event: unknown) => void): void {
    this.listeners.set(event, listener);
  }
  off(event: string): void {
    this.listeners.delete(event);
  }
  send(): Promise<void> {
    return Promise.resolve();
  }
  frame(name: string): void {
    this.listeners.get("Page.screencastFrame")?.({ data: Buffer.from(name).toString("base64"), sessionId: 1 });
  }
}

/** "Decodes" a JPEG into a frame named by its bytes; a test may hold a decode open to see what arrives meanwhile. */
class FakeDecoder implements FrameDecoder {
  readonly decoded: string[] = [];
  hold = false;
  private release: (() => void) | null = null;
  decode(jpegData: Buffer): Promise<I420Frame> {
    const name = jpegData.toString();
    this.decoded.push(name);
    const frame: I420Frame = { width: 2, height: 2, data: new Uint8Array(jpegData) };
    if (!this.hold) return Promise.resolve(frame);
    return new Promise((resolve) => (this.release = () => resolve(frame)));
  }
  finish(): void {
    this.release?.();
    this.release = null;
  }
}

const silentLog = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLog } as unknown as Logger;

/** Lets the decode's promise chain run (no time passes on the manual clock). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let capture: ScreencastCapture | null = null;

function setUp(maxFps: number, tailProbeMs = 0) {
  const clock = new ManualClock();
  const cdp = new FakeCdp();
  const decoder = new FakeDecoder();
  const start = clock.now();
  /** Each frame handed to the peers: its name and when, in ms since the start. */
  const pushed: Array<{ name: string; at: number }> = [];
  capture = new ScreencastCapture({
    cdp: cdp as unknown as CDPSession,
    viewport: { width: 2, height: 2 },
    jpegQuality: 80,
    maxFps,
    tailProbeMs,
    log: silentLog,
    onFrame: (frame) => pushed.push({ name: Buffer.from(frame.data).toString(), at: clock.now() - start }),
    clock,
    decoder,
  });
  return { clock, cdp, decoder, pushed };
}

afterEach(async () => {
  await capture?.close();
  capture = null;
});

describe("screencast pacing", () => {
  it("decodes only the newest frame of those that arrive while one decodes", async () => {
    const { clock, cdp, decoder, pushed } = setUp(30);
    decoder.hold = true;
    cdp.frame("A");
    cdp.frame("B");
    cdp.frame("C");
    decoder.hold = false;
    decoder.finish();
    await settle();
    clock.advance(1000 / 30);
    await settle();
    assert.deepEqual(decoder.decoded, ["A", "C"]);
    assert.deepEqual(capture!.stats, { captured: 3, decoded: 2, dropped: 1, errors: 0 });
    assert.deepEqual(
      pushed.map((p) => p.name),
      ["A", "C"],
    );
  });

  it("holds a frame that comes sooner than 1/maxFps after the last push, and pushes it when the interval is over", async () => {
    const { clock, cdp, pushed } = setUp(10); // 100 ms apart at most.
    cdp.frame("A");
    await settle();
    clock.advance(SETTLE_REPUSH_MS); // A again at 120 (the settle re-push).
    clock.advance(30);
    cdp.frame("B"); // Decoded at 150, only 30 ms after the last push.
    await settle();
    assert.deepEqual(pushed, [
      { name: "A", at: 0 },
      { name: "A", at: SETTLE_REPUSH_MS },
    ]);
    clock.advance(69);
    assert.equal(pushed.length, 2, "still held 1 ms before the interval is over");
    clock.advance(1);
    assert.deepEqual(pushed.at(-1), { name: "B", at: SETTLE_REPUSH_MS + 100 });
  });

  it("pushes a changed frame once more after SETTLE_REPUSH_MS, then re-pushes a static page every REPUSH_INTERVAL_MS", async () => {
    const { clock, cdp, pushed } = setUp(30);
    cdp.frame("A");
    await settle();
    clock.advance(3 * REPUSH_INTERVAL_MS);
    assert.deepEqual(pushed, [
      { name: "A", at: 0 },
      { name: "A", at: SETTLE_REPUSH_MS },
      // The re-push timer ticks every second from the start; it pushes once a full second has passed since the last push.
      { name: "A", at: 2 * REPUSH_INTERVAL_MS },
      { name: "A", at: 3 * REPUSH_INTERVAL_MS },
    ]);
  });

  it("a newer frame replaces the settle re-push of the one before", async () => {
    const { clock, cdp, pushed } = setUp(30);
    cdp.frame("A");
    await settle();
    clock.advance(60);
    cdp.frame("B");
    await settle();
    clock.advance(SETTLE_REPUSH_MS + 100);
    assert.deepEqual(pushed, [
      { name: "A", at: 0 },
      { name: "B", at: 60 },
      { name: "B", at: 60 + SETTLE_REPUSH_MS },
    ]);
  });

  it("sends the tail probe, never sooner than 1/maxFps after the change, and the settle re-push after it", async () => {
    const { clock, cdp, pushed } = setUp(25, 20); // 40 ms apart at most; a 20 ms probe asked for.
    cdp.frame("A");
    await settle();
    clock.advance(SETTLE_REPUSH_MS + 100);
    assert.deepEqual(pushed, [
      { name: "A", at: 0 },
      { name: "A", at: 40 },
      { name: "A", at: SETTLE_REPUSH_MS },
    ]);
  });

  it("holds the settle re-push and the tail probe to 1/maxFps after a push, at a low maxFps too", async () => {
    const { clock, cdp, pushed } = setUp(5, 60); // 200 ms apart at most: the settle (120 ms) and probe (60 ms) come too soon.
    cdp.frame("A");
    await settle();
    clock.advance(1000);
    const times = pushed.map((p) => p.at);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 200, `pushes at ${times.join(", ")} ms`);
    assert.deepEqual(pushed.slice(0, 2), [
      { name: "A", at: 0 },
      { name: "A", at: 200 },
    ]);
  });
});
