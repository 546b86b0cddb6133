/** The restart back-off: grows by its factor up to the ceiling, and a stable run forgives earlier failures. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Backoff } from "../../renderer/process/backoff.js";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("Backoff", () => {
  it("grows by its factor and stops at the ceiling", () => {
    const c = clock();
    const b = new Backoff({ initialMs: 100, factor: 2, maxMs: 500, stableAfterMs: 10_000, now: c.now });
    const delays = [1, 2, 3, 4, 5].map(() => (b.started(), b.failed()));
    assert.deepEqual(delays, [100, 200, 400, 500, 500]);
  });

  it("starts again from the first delay after a stable run", () => {
    const c = clock();
    const b = new Backoff({ initialMs: 100, factor: 2, maxMs: 5_000, stableAfterMs: 1_000, now: c.now });
    b.started();
    b.failed();
    b.started();
    b.failed();
    b.started();
    c.advance(999);
    assert.equal(b.failed(), 400);
    b.started();
    c.advance(1_000);
    assert.equal(b.failed(), 100);
  });

  it("reset() returns to the first delay", () => {
    const b = new Backoff({ initialMs: 50, factor: 3, maxMs: 1_000, stableAfterMs: 1_000, now: () => 0 });
    b.failed();
    b.failed();
    b.reset();
    assert.equal(b.failed(), 50);
  });
});
