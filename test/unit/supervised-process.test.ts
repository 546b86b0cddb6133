/** The supervised helper process, on real Node children: restarted after it dies, never after close(). */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { createLogger } from "../../renderer/log.js";
import { Backoff } from "../../renderer/process/backoff.js";
import { type ProcessExit, SupervisedProcess, type SupervisedProcessOptions } from "../../renderer/process/supervised-process.js";

const log = createLogger("silent");
const quickBackoff = () => new Backoff({ initialMs: 10, factor: 2, maxMs: 40, stableAfterMs: 60_000 });

function supervise(script: string, extra: Partial<SupervisedProcessOptions> = {}) {
  const spawns: Array<{ child: ChildProcess; restart: boolean }> = [];
  const exits: ProcessExit[] = [];
  const waiters: Array<() => void> = [];
  const changed = () => waiters.splice(0).forEach((wake) => wake());
  const proc = new SupervisedProcess({
    name: "test-child",
    command: process.execPath,
    args: () => ["-e", script],
    log,
    backoff: quickBackoff(),
    parentExitSignal: "SIGKILL",
    stopGraceMs: 2_000,
    onSpawn: (child, restart) => (spawns.push({ child, restart }), changed()),
    onExit: (exit) => (exits.push(exit), changed()),
    ...extra,
  });
  /** Resolves once `condition` holds, re-checked on every spawn and exit. */
  const until = async (condition: () => boolean) => {
    // The restart timer is unref'd (it must not keep the renderer alive): hold the loop open meanwhile.
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      while (!condition()) await new Promise<void>((wake) => waiters.push(wake));
    } finally {
      clearInterval(keepAlive);
    }
  };
  return { proc, spawns, exits, until };
}

describe("SupervisedProcess", () => {
  it("restarts a child that exits, with growing delays, and reports why it died", async () => {
    const { proc, spawns, exits, until } = supervise("process.stderr.write('broken config\\n'); process.exit(3)");
    proc.start();
    await until(() => spawns.length >= 4);
    await proc.close();
    assert.deepEqual(
      spawns.map((s) => s.restart),
      [false, true, true, true],
    );
    assert.deepEqual(
      exits.slice(0, 3).map((e) => e.restartInMs),
      [10, 20, 40],
    );
    assert.equal(exits[0].code, 3);
    assert.equal(exits[0].stderr, "broken config");
  });

  it("close() stops the running child and no restart follows; start() and close() are safe twice", async () => {
    const lines: string[] = [];
    const { proc, spawns, exits, until } = supervise("console.log('up'); setInterval(() => {}, 1000)", {
      onLine: (line) => lines.push(line),
    });
    const child = proc.start()!;
    assert.equal(proc.start(), child, "a second start() spawns nothing");
    await until(() => spawns.length === 1);
    while (lines.length === 0) await once(child.stdout!, "data");
    assert.deepEqual(lines, ["up"]);
    assert.equal(proc.running, true);
    await proc.close();
    await proc.close();
    assert.notEqual(child.signalCode ?? child.exitCode, null, "the child is gone");
    assert.equal(proc.running, false);
    assert.equal(proc.start(), null, "no start after close");
    assert.equal(spawns.length, 1);
    assert.deepEqual(exits, []);
  });

  it("close() during the back-off wait cancels the restart", async () => {
    const backoff = new Backoff({ initialMs: 60_000, factor: 2, maxMs: 60_000, stableAfterMs: 60_000 });
    const { proc, spawns, exits, until } = supervise("process.exit(1)", { backoff });
    proc.start();
    await until(() => exits.length === 1);
    await proc.close();
    assert.equal(spawns.length, 1);
    assert.equal(exits[0].restartInMs, 60_000);
  });
});
