#!/usr/bin/env node
/**
 * Runs the original design's own integration tests against this renderer:
 *   node scripts/run-seed-suite.mjs DIR
 * DIR holds the original suite and its runner (run-seed-tests.sh BASE_URL PAGE_URL). The suite is
 * not part of this repository; this script only starts what it needs: a local page server (the
 * suite's https://example.com is swapped for one of its pages, there being no internet on a LAN
 * box) and the real renderer on its default settings with that page's origin as a kiosk. Needs a
 * build (`node scripts/setup.mjs test`) and python3 with pytest and requests. Exits with the
 * suite's status.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { testConfig } from "../dist/test/support/config.js";
import { FixtureServer } from "../dist/test/support/fixture-server.js";
import { startRenderer } from "../dist/test/support/renderer-process.js";

const dir = resolve(process.argv[2] ?? "");
const runner = join(dir, "run-seed-tests.sh");
if (!process.argv[2] || !existsSync(runner)) {
  process.stderr.write(`usage: run-seed-suite.mjs DIR (DIR/run-seed-tests.sh not found: ${runner})\n`);
  process.exit(2);
}

const fixtures = new FixtureServer();
await fixtures.start();
// The suite holds at most three sessions at once and closes what it made; the default limit is 8.
// All three come from this one script's address, one more than the default per-client quota (2),
// which keeps one LAN address from taking every session.
const renderer = await startRenderer(testConfig(fixtures.origin, { sessionsMax: 8, maxPerClient: 3 }));
let code = 1;
try {
  code = await new Promise((done) => {
    const child = spawn("bash", [runner, renderer.url, `${fixtures.origin}/test-page.html`], { stdio: "inherit" });
    child.once("exit", (status) => done(status ?? 1));
  });
} finally {
  const stopped = await renderer.stop();
  await fixtures.stop();
  if (stopped !== 0) {
    process.stderr.write(`the renderer exited with ${stopped} after the original suite\n`);
    code ||= 1;
  }
}
process.exit(code);
