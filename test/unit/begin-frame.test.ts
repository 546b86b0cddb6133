/**
 * The begin-frame clock on a manual clock and a CDP session the test answers by hand: frames at
 * maxFps while the page changes, nothing decoded for an unchanged picture, a cheap probe once the
 * page stands still, a frame at once after input, and a stalled call that re-attaches, then
 * gives the page up.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { CDPSession } from "playwright-core";
import { BeginFrameCapture, type BeginFrameTiming } from "../../renderer/capture/begin-frame.js";
import type { FrameDecoder } from "../../renderer/capture/frame-capture.js";
import type { PacingClock } from "../../renderer/capture/frame-pacer.js";
import type { Logger } from "../../renderer/log.js";
import type { I420Frame } from "../../renderer/media/frames.js";

/** Time moves only when a test advances it; due timers run in order, each followed by the promises it started. */
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
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.timers.delete(id);
      timer.callback();
      await settle();
    }
    this.time = end;
  }
}

/** Lets promise chains run (no time passes on the manual clock). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Call {
  screenshot: boolean;
  at: number;
  answer(result: { hasDamage: boolean; screenshotData?: string }): void;
}

/** A page's CDP session: each begin-frame waits until the test answers it (or never, for a stall). */
class FakePage {
  readonly calls: Call[] = [];
  /** Answers every call at once: the page shows `picture` (a screenshot carries its name). */
  auto: { picture: string; damage: boolean } | null = null;
  detached = false;
  constructor(private readonly clock: ManualClock) {}
  send(method: string, params: { screenshot?: unknown }): Promise<unknown> {
    assert.equal(method, "HeadlessExperimental.beginFrame");
    return new Promise((resolve) => {
      const screenshot = params.screenshot !== undefined;
      const call: Call = {
        screenshot,
        at: this.clock.now(),
        answer: (result) => resolve(result),
      };
      this.calls.push(call);
      if (this.auto) {
        const { picture, damage } = this.auto;
        call.answer(screenshot ? { hasDamage: true, screenshotData: Buffer.from(picture).toString("base64") } : { hasDamage: damage });
      }
    });
  }
  async detach(): Promise<void> {
    this.detached = true;
  }
}

class FakeDecoder implements FrameDecoder {
  readonly decoded: string[] = [];
  async decode(jpegData: Buffer): Promise<I420Frame> {
    this.decoded.push(jpegData.toString());
    return { width: 2, height: 2, data: new Uint8Array(jpegData) };
  }
}

const silentLog = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLog } as unknown as Logger;

const TIMING: BeginFrameTiming = { activeHoldMs: 500, idleProbeMs: 100, callTimeoutMs: 2_000, maxStalls: 3 };
const FRAME_MS = 1000 / 30;

let capture: BeginFrameCapture | null = null;

function setUp() {
  const clock = new ManualClock();
  const pages = [new FakePage(clock)];
  const decoder = new FakeDecoder();
  const pushed: Array<{ name: string; at: number }> = [];
  const start = clock.now();
  let stalled = 0;
  capture = new BeginFrameCapture({
    cdp: pages[0] as unknown as CDPSession,
    reattach: async () => {
      const page = new FakePage(clock);
      page.auto = pages.at(-1)!.auto;
      pages.push(page);
      return page as unknown as CDPSession;
    },
    viewport: { width: 2, height: 2 },
    jpegQuality: 80,
    maxFps: 30,
    tailProbeMs: 0,
    log: silentLog,
    onFrame: (frame) => pushed.push({ name: Buffer.from(frame.data).toString(), at: clock.now() - start }),
    onStalled: () => stalled++,
    clock,
    decoder,
    timing: TIMING,
  });
  return { clock, pages, page: pages[0], decoder, pushed, start, stalled: () => stalled };
}

afterEach(async () => {
  await capture?.close();
  capture = null;
});

describe("begin-frame capture", () => {
  it("asks for a screenshot at start and every 1/maxFps while the page changes", async () => {
    const { clock, page, pushed, start } = setUp();
    page.auto = { picture: "f0", damage: true };
    await capture!.start();
    await clock.advance(0);
    let n = 0;
    for (let i = 0; i < 10; i++) {
      page.auto = { picture: `f${++n}`, damage: true };
      await clock.advance(FRAME_MS);
    }
    const shots = page.calls.filter((c) => c.screenshot);
    assert.equal(page.calls.length, shots.length, "only screenshot calls while the page moves");
    assert.ok(shots.length >= 10 && shots.length <= 11, `${shots.length} calls in 10 frame intervals`);
    for (let i = 1; i < shots.length; i++)
      assert.ok(shots[i].at - shots[i - 1].at >= FRAME_MS - 1, `calls ${i - 1}→${i} ${shots[i].at - shots[i - 1].at} ms apart`);
    assert.equal(pushed[0]?.name, "f0");
    assert.equal(pushed[0]?.at, shots[0].at - start);
    assert.ok(pushed.length >= 10, `${pushed.length} frames pushed`);
  });

  it("decodes nothing for an unchanged picture and slows to the no-screenshot probe", async () => {
    const { clock, page, decoder } = setUp();
    page.auto = { picture: "still", damage: false };
    await capture!.start();
    await clock.advance(TIMING.activeHoldMs + 50);
    assert.deepEqual(decoder.decoded, ["still"], "the same picture is decoded once");
    const before = page.calls.length;
    await clock.advance(1000);
    const idle = page.calls.slice(before);
    assert.ok(
      idle.every((c) => !c.screenshot),
      "no screenshots on a page that stands still",
    );
    assert.ok(idle.length >= 9 && idle.length <= 11, `${idle.length} probes in 1 s at ${TIMING.idleProbeMs} ms`);
    assert.ok(capture!.lastFrame, "the last picture stays for new viewers");
  });

  it("a probe that finds damage brings a screenshot at once", async () => {
    const { clock, page, pushed, start } = setUp();
    page.auto = { picture: "a", damage: false };
    await capture!.start();
    await clock.advance(TIMING.activeHoldMs + 300);
    page.auto = { picture: "b", damage: true };
    const changedAt = clock.now();
    await clock.advance(TIMING.idleProbeMs + 1);
    const shot = page.calls.find((c) => c.screenshot && c.at >= changedAt)!;
    const probe = page.calls.filter((c) => !c.screenshot && c.at >= changedAt)[0];
    assert.equal(shot.at, probe.at, "the screenshot follows the probe without waiting");
    assert.equal(pushed.at(-1)?.name, "b");
    assert.ok(pushed.at(-1)!.at - (changedAt - start) <= TIMING.idleProbeMs + 1);
  });

  it("input asks for a frame at once, and again right after the call in flight", async () => {
    const { clock, page, pushed, start } = setUp();
    page.auto = { picture: "a", damage: false };
    await capture!.start();
    await clock.advance(TIMING.activeHoldMs + 330);
    page.auto = null;
    await clock.advance(TIMING.idleProbeMs);
    const inFlight = page.calls.at(-1)!;
    assert.equal(inFlight.screenshot, false);
    const tappedAt = clock.now();
    capture!.poke();
    await clock.advance(0);
    assert.equal(page.calls.at(-1), inFlight, "one call at a time");
    page.auto = { picture: "tapped", damage: true };
    inFlight.answer({ hasDamage: false });
    await clock.advance(0);
    const shot = page.calls.at(-1)!;
    assert.ok(shot.screenshot && shot.at === tappedAt, "the frame after a poke is asked for at once");
    assert.equal(pushed.at(-1)?.name, "tapped");
    assert.equal(pushed.at(-1)!.at, tappedAt - start);
    // Screenshots go on at maxFps after input, though nothing changed (a transition may start late).
    const before = page.calls.length;
    await clock.advance(200);
    assert.ok(page.calls.slice(before).every((c) => c.screenshot));
  });

  it("a stalled call re-attaches to the page; stalls in a row give the page up", async () => {
    const { clock, pages, stalled } = setUp();
    await capture!.start();
    await clock.advance(0);
    assert.equal(pages.length, 1);
    // The first call never answers.
    await clock.advance(TIMING.callTimeoutMs);
    assert.equal(pages.length, 2, "a fresh CDP session after the time-out");
    assert.equal(pages[0].detached, true);
    await clock.advance(100);
    assert.ok(pages[1].calls.length >= 1, "frames are asked for on the fresh session");
    // The new session answers: the picture flows again and the stall count starts over.
    pages[1].auto = { picture: "back", damage: true };
    pages[1].calls.at(-1)!.answer({ hasDamage: true, screenshotData: Buffer.from("back").toString("base64") });
    await clock.advance(100);
    assert.equal(capture!.lastFrame && Buffer.from(capture!.lastFrame.data).toString(), "back");
    assert.equal(capture!.stats.errors, 1);
    pages[1].auto = null;
    await clock.advance(TIMING.callTimeoutMs * TIMING.maxStalls + 1000);
    assert.equal(stalled(), 1, "the page is handed back to be reopened once");
    const calls = pages.reduce((n, p) => n + p.calls.length, 0);
    await clock.advance(5000);
    assert.equal(
      pages.reduce((n, p) => n + p.calls.length, 0),
      calls,
      "a given-up capture asks for nothing more",
    );
  });

  it("a frame without a picture is skipped and the next one is asked for", async () => {
    const { clock, page, pushed } = setUp();
    await capture!.start();
    await clock.advance(0);
    page.calls[0].answer({ hasDamage: true });
    page.auto = { picture: "late", damage: true };
    await clock.advance(FRAME_MS);
    assert.equal(pushed[0]?.name, "late");
  });

  it("after a resize the next frame is decoded even if its bytes match", async () => {
    const { clock, page, decoder } = setUp();
    page.auto = { picture: "same", damage: false };
    await capture!.start();
    await clock.advance(TIMING.activeHoldMs + 200);
    await capture!.resize();
    await clock.advance(0);
    assert.deepEqual(decoder.decoded, ["same", "same"]);
  });
});
