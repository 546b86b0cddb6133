import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../../renderer/log.js";
import {
  MEMORY_CHECK_INTERVAL_MS,
  SessionUpkeep,
  type SessionUpkeepOptions,
  type UpkeepTimers,
} from "../../renderer/sessions/session-upkeep.js";

/** Timers on a hand-driven clock: `advance` runs, in order, everything due by then. */
function manualClock() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void; every: number | null }>();
  const timers: UpkeepTimers = {
    setTimeout: (run, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, run, every: null });
      return id;
    },
    clearTimeout: (id) => void pending.delete(id as number),
    setInterval: (run, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, run, every: ms });
      return id;
    },
    clearInterval: (id) => void pending.delete(id as number),
  };
  /** Lets the promise chains started by a timer settle before the clock moves on. */
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  async function advance(ms: number): Promise<void> {
    const end = now + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      now = timer.at;
      if (timer.every === null) pending.delete(id);
      else timer.at += timer.every;
      timer.run();
      await settle();
    }
    now = end;
    await settle();
  }
  return { timers, advance, pendingCount: () => pending.size };
}

function upkeep(overrides: Partial<SessionUpkeepOptions> = {}) {
  const clock = manualClock();
  const events: string[] = [];
  let heapBytes: number | null = 10;
  const options: SessionUpkeepOptions = {
    idleTimeoutMs: 30_000,
    resetAfterIdleMs: 0,
    maxPageMemoryBytes: 100,
    timers: clock.timers,
    log: createLogger("silent"),
    onIdle: () => events.push("idle"),
    onReset: async () => void events.push("reset"),
    readHeapBytes: async () => heapBytes,
    onMemoryCeiling: async () => void events.push("memory"),
    ...overrides,
  };
  const subject = new SessionUpkeep(options);
  return { subject, clock, events, setHeap: (bytes: number | null) => (heapBytes = bytes) };
}

describe("session upkeep", () => {
  it("closes an unwatched session after the idle timeout, not before", async () => {
    const { subject, clock, events } = upkeep();
    subject.start();
    await clock.advance(29_999);
    assert.deepEqual(events, []);
    await clock.advance(1);
    assert.deepEqual(events, ["idle"]);
  });

  it("does not close while a viewer watches, and counts the idle time from when the last one left", async () => {
    const { subject, clock, events } = upkeep();
    subject.start();
    await clock.advance(10_000);
    subject.viewerJoined();
    await clock.advance(60_000);
    assert.deepEqual(events, []);
    subject.viewersGone();
    await clock.advance(29_999);
    assert.deepEqual(events, []);
    await clock.advance(1);
    assert.deepEqual(events, ["idle"]);
  });

  it("returns home after the reset period without input, and again after each further period", async () => {
    const { subject, clock, events } = upkeep({ resetAfterIdleMs: 5_000, idleTimeoutMs: 3_600_000 });
    subject.start();
    subject.viewerJoined();
    subject.inputSeen();
    await clock.advance(4_000);
    subject.inputSeen();
    await clock.advance(4_999);
    assert.deepEqual(events, [], "input restarts the reset period");
    await clock.advance(1);
    assert.deepEqual(events, ["reset"]);
    await clock.advance(5_000);
    assert.deepEqual(events, ["reset", "reset"]);
  });

  it("never resets when the reset period is zero", async () => {
    const { subject, clock, events } = upkeep({ resetAfterIdleMs: 0 });
    subject.start();
    subject.viewerJoined();
    subject.inputSeen();
    await clock.advance(3_600_000);
    assert.deepEqual(events, []);
  });

  it("reopens the page only when its heap is over the ceiling", async () => {
    const { subject, clock, events, setHeap } = upkeep({ idleTimeoutMs: 3_600_000 });
    subject.start();
    await clock.advance(MEMORY_CHECK_INTERVAL_MS);
    setHeap(null);
    await clock.advance(MEMORY_CHECK_INTERVAL_MS);
    assert.deepEqual(events, [], "under the ceiling or unreadable: nothing");
    setHeap(101);
    await clock.advance(MEMORY_CHECK_INTERVAL_MS);
    assert.deepEqual(events, ["memory"]);
  });

  it("does nothing after close, and leaves no timer behind", async () => {
    const { subject, clock, events, setHeap } = upkeep({ resetAfterIdleMs: 5_000 });
    subject.start();
    subject.inputSeen();
    setHeap(1_000);
    subject.close();
    subject.viewersGone();
    subject.inputSeen();
    subject.close();
    assert.equal(clock.pendingCount(), 0);
    await clock.advance(3_600_000);
    assert.deepEqual(events, []);
  });
});
