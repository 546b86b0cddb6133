/**
 * A page reopened for passing its heap ceiling is not a crash: it is counted apart from page
 * crashes and its viewers hear why it came back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { pollUntil } from "../support/wait.js";

const app = useAppliance({ config: (origin) => testConfig(origin, { sessionFields: "maxPageMemoryMB: 128" }) });

function counter(metrics: string, name: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

test("a heap-ceiling reopen is counted as a memory reopen, not as a page crash", async () => {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${app.fixtures.origin}/hog.html` }),
  });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  await app.fixtures.waitFor((r) => r.event === "loaded" && r.path === "/hog.html", 15_000, "the hog page");
  const heapCeiling = "page memory over the ceiling; reopening it";
  await pollUntil(() => app.renderer.logs.join("").includes(heapCeiling), 40_000, 250);
  const metrics = async () => (await fetch(`${app.renderer.url}/metrics`)).text();
  await pollUntil(async () => counter(await metrics(), "jiomosa_page_memory_reopens_total") >= 1, 10_000, 250);
  const text = await metrics();
  assert.ok(counter(text, "jiomosa_page_memory_reopens_total") >= 1, "the reopen was counted as a memory reopen");
  const crashesLogged = app.renderer.logs.join("").split("page crashed; reopening it").length - 1;
  assert.equal(counter(text, "jiomosa_page_crashes_total"), crashesLogged, "only real crashes are counted as crashes");
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});
