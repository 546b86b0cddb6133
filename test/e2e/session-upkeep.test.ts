/**
 * Upkeep of long-running kiosk sessions: a page whose JavaScript heap passes
 * sessions.maxPageMemoryMB is reopened; after sessions.resetAfterIdleSeconds without input the
 * page returns to its kiosk URL and, with clearStorageOnReset, forgets its storage.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testConfig } from "../support/config.js";
import { FixtureServer } from "../support/fixture-server.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";
import { pollUntil } from "../support/wait.js";

let fixtures: FixtureServer;
let renderer: RendererProcess;

before(async () => {
  fixtures = new FixtureServer();
  await fixtures.start();
  renderer = await startRenderer(testConfig(fixtures.origin, { sessionFields: "maxPageMemoryMB: 128, resetAfterIdleSeconds: 3, clearStorageOnReset: true" }));
});

after(async () => {
  assert.equal(await renderer?.stop(), 0);
  await fixtures?.stop();
});

test("a page over the memory ceiling is reopened at its URL", async () => {
  const res = await fetch(`${renderer.url}/api/session/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: `${fixtures.origin}/hog.html` }) });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  await fixtures.waitFor((r) => r.event === "loaded" && r.path === "/hog.html", 15_000, "the hog page");
  await pollUntil(() => renderer.logs.join("").includes("page memory over the ceiling"), 40_000, 250);
  assert.ok(renderer.logs.join("").includes("page memory over the ceiling"), "the ceiling was noticed and logged");
  const loadsAtCeiling = fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog.html").length;
  await fixtures.waitFor(() => fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog.html").length > loadsAtCeiling, 15_000, "the page reopened");
  assert.equal((await fetch(`${renderer.url}/health`)).status, 200);
  await fetch(`${renderer.url}/api/session/${id}`, { method: "DELETE" });
});

test("without input for resetAfterIdleSeconds the page returns home with its storage cleared", async () => {
  const res = await fetch(`${renderer.url}/api/session/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kiosk: "test-page" }) });
  const { session_id: id } = (await res.json()) as { session_id: string };
  await fixtures.waitFor((r) => r.event === "loaded" && r.path === undefined && r.width !== undefined, 15_000, "the kiosk page");
  const loads = () => fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/page2.html").length;
  const before = loads();
  const load = await fetch(`${renderer.url}/api/session/${id}/load`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: `${fixtures.origin}/page2.html?away=1` }) });
  assert.equal(load.status, 200);
  await fixtures.waitFor(() => loads() > before, 15_000, "the page moved away from home");
  let url = "";
  await pollUntil(async () => {
    url = ((await (await fetch(`${renderer.url}/api/session/${id}`)).json()) as { session: { url: string } }).session.url;
    return url.endsWith("/test-page.html");
  }, 20_000, 250);
  assert.equal(url, `${fixtures.origin}/test-page.html`, "back on the kiosk's page");
  assert.ok(renderer.logs.join("").includes("back to the kiosk page"));
});
