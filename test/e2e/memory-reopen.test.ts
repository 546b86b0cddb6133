/**
 * A page reopened for passing its heap ceiling is not a crash: it is counted apart from page
 * crashes and its viewers hear why it came back.
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
  renderer = await startRenderer(testConfig(fixtures.origin, { sessionFields: "maxPageMemoryMB: 128" }));
});

after(async () => {
  assert.equal(await renderer?.stop(), 0);
  await fixtures?.stop();
});

function counter(metrics: string, name: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

test("a heap-ceiling reopen is counted as a memory reopen, not as a page crash", async () => {
  const res = await fetch(`${renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${fixtures.origin}/hog.html` }),
  });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  await fixtures.waitFor((r) => r.event === "loaded" && r.path === "/hog.html", 15_000, "the hog page");
  const heapCeiling = "page memory over the ceiling; reopening it";
  await pollUntil(() => renderer.logs.join("").includes(heapCeiling), 40_000, 250);
  const metrics = async () => (await fetch(`${renderer.url}/metrics`)).text();
  await pollUntil(async () => counter(await metrics(), "jiomosa_page_memory_reopens_total") >= 1, 10_000, 250);
  const text = await metrics();
  assert.ok(counter(text, "jiomosa_page_memory_reopens_total") >= 1, "the reopen was counted as a memory reopen");
  const crashesLogged = renderer.logs.join("").split("page crashed; reopening it").length - 1;
  assert.equal(counter(text, "jiomosa_page_crashes_total"), crashesLogged, "only real crashes are counted as crashes");
  await fetch(`${renderer.url}/api/session/${id}`, { method: "DELETE" });
});
