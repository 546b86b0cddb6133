/** A page whose JavaScript heap passes sessions.maxPageMemoryMB is reopened, and the renderer lives on. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testConfig } from "../support/config.js";
import { FixtureServer } from "../support/fixture-server.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";

let fixtures: FixtureServer;
let renderer: RendererProcess;

before(async () => {
  fixtures = new FixtureServer();
  await fixtures.start();
  renderer = await startRenderer(testConfig(fixtures.origin).replace("sessions: { max: 4, idleTimeoutSeconds: 60 }", "sessions: { max: 4, idleTimeoutSeconds: 60, maxPageMemoryMB: 64 }"));
});

after(async () => {
  assert.equal(await renderer?.stop(), 0);
  await fixtures?.stop();
});

test("a page over the memory ceiling is reopened at its URL", async () => {
  const res = await fetch(`${renderer.url}/api/session/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: `${fixtures.origin}/hog.html` }) });
  assert.equal(res.status, 200);
  await fixtures.waitFor((r) => r.event === "loaded" && r.path === "/hog.html", 15_000, "the hog page");
  await fixtures.waitFor(() => fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog.html").length >= 2, 40_000, "the page reopened after passing the ceiling");
  assert.equal((await fetch(`${renderer.url}/health`)).status, 200);
  assert.ok(renderer.logs.join("").includes("page memory over the ceiling"), "the log says why");
});
