import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Viewport } from "../../protocol/index.js";
import { ResizeQueue } from "../../renderer/sessions/resize-queue.js";

/**
 * A page whose resizes finish when the test says so: `sizes` is what the page was set to, in
 * order; `viewport` what the session believes after each resize succeeded.
 */
function page(start: Viewport = { width: 800, height: 600 }) {
  let viewport = start;
  let closed = false;
  const sizes: Viewport[] = [];
  const failures: string[] = [];
  const waiting: { finish: () => void; fail: (err: Error) => void }[] = [];
  const queue = new ResizeQueue({
    current: () => viewport,
    apply: (wanted) =>
      new Promise<void>((resolve, reject) => {
        sizes.push(wanted);
        waiting.push({ finish: resolve, fail: reject });
      }),
    onResized: (wanted) => (viewport = wanted),
    onFailed: (err) => failures.push(String(err)),
    stopped: () => closed,
  });
  /** Lets the queue's promise chain reach its next apply. */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return {
    queue,
    sizes,
    failures,
    viewport: () => viewport,
    close: () => (closed = true),
    settle,
    /** Ends the resize running now. */
    async finish(): Promise<void> {
      waiting.shift()!.finish();
      await settle();
    },
    async fail(message: string): Promise<void> {
      waiting.shift()!.fail(new Error(message));
      await settle();
    },
  };
}

describe("resize queue", () => {
  it("runs one resize at a time, and a burst while one runs collapses to its last size", async () => {
    const p = page();
    p.queue.request({ width: 1000, height: 700 });
    await p.settle();
    p.queue.request({ width: 900, height: 650 });
    p.queue.request({ width: 600, height: 1000 });
    await p.settle();
    assert.deepEqual(p.sizes, [{ width: 1000, height: 700 }], "the second waits for the first");
    await p.finish();
    assert.deepEqual(p.sizes, [
      { width: 1000, height: 700 },
      { width: 600, height: 1000 },
    ]);
    await p.finish();
    await p.queue.settled();
    assert.deepEqual(p.viewport(), { width: 600, height: 1000 });
  });

  it("rounds odd sizes down to even ones and skips a size the page already has", async () => {
    const p = page({ width: 800, height: 600 });
    p.queue.request({ width: 801, height: 601 });
    await p.settle();
    assert.deepEqual(p.sizes, [], "801×601 is 800×600, the size the page has");
    p.queue.request({ width: 1023, height: 767 });
    await p.settle();
    await p.finish();
    assert.deepEqual(p.viewport(), { width: 1022, height: 766 });
  });

  it("keeps the old size when a resize fails, says why, and still runs the next one", async () => {
    const p = page();
    p.queue.request({ width: 1000, height: 700 });
    await p.settle();
    await p.fail("target closed");
    assert.deepEqual(p.viewport(), { width: 800, height: 600 });
    assert.deepEqual(p.failures, ["Error: target closed"]);
    p.queue.request({ width: 640, height: 480 });
    await p.settle();
    await p.finish();
    assert.deepEqual(p.viewport(), { width: 640, height: 480 });
  });

  it("tries the last size of a burst once: a failure is not retried by the burst's other requests", async () => {
    const p = page();
    p.queue.request({ width: 1000, height: 700 });
    await p.settle();
    p.queue.request({ width: 900, height: 650 });
    p.queue.request({ width: 600, height: 1000 });
    await p.finish();
    await p.fail("target closed");
    await p.queue.settled();
    assert.deepEqual(p.sizes, [
      { width: 1000, height: 700 },
      { width: 600, height: 1000 },
    ]);
    assert.deepEqual(p.viewport(), { width: 1000, height: 700 });
  });

  it("resizes nothing once the session closed, and a failure during close is not reported", async () => {
    const p = page();
    p.queue.request({ width: 1000, height: 700 });
    await p.settle();
    p.queue.request({ width: 640, height: 480 });
    p.close();
    await p.fail("page closed");
    await p.queue.settled();
    assert.deepEqual(p.sizes, [{ width: 1000, height: 700 }]);
    assert.deepEqual(p.failures, []);
  });
});
