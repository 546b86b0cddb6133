/**
 * Upkeep of long-running kiosk sessions: a page whose JavaScript heap passes
 * sessions.maxPageMemoryMB is reopened; after sessions.resetAfterIdleSeconds without input the
 * page returns to its kiosk URL and, with clearStorageOnReset, forgets its storage.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { pollUntil } from "../support/wait.js";

const app = useAppliance({
  config: (origin) =>
    testConfig(origin, {
      sessionFields: "maxPageMemoryMB: 128, resetAfterIdleSeconds: 3, clearStorageOnReset: true",
      extraKiosks: `\n  - id: storage\n    title: Storage\n    url: ${origin}/storage-keys.html`,
    }),
});

test("a page over the memory ceiling is reopened at its URL", async () => {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${app.fixtures.origin}/hog.html` }),
  });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  await app.fixtures.waitFor((r) => r.event === "loaded" && r.path === "/hog.html", 15_000, "the hog page");
  await pollUntil(() => app.renderer.logs.join("").includes("page memory over the ceiling"), 40_000, 250);
  assert.ok(app.renderer.logs.join("").includes("page memory over the ceiling"), "the ceiling was noticed and logged");
  const loadsAtCeiling = app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog.html").length;
  await app.fixtures.waitFor(
    () => app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog.html").length > loadsAtCeiling,
    15_000,
    "the page reopened",
  );
  assert.equal((await fetch(`${app.renderer.url}/health`)).status, 200);
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});

test("without input for resetAfterIdleSeconds the page returns home with its storage cleared", async () => {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kiosk: "storage" }),
  });
  const { session_id: id } = (await res.json()) as { session_id: string };
  // The storage page reports, on every load, what its origin has kept.
  const homeReports = () => app.fixtures.reports.filter((r) => r.event === "storage" && r.search === "");
  await app.fixtures.waitFor(() => homeReports().length > 0, 15_000, "the kiosk page");
  const load = await fetch(`${app.renderer.url}/api/session/${id}/load`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${app.fixtures.origin}/storage-keys.html?write=1` }),
  });
  assert.equal(load.status, 200);
  const written = await app.fixtures.waitFor(
    (r) => r.event === "storage" && r.search === "?write=1",
    15_000,
    "the page moved away from home and kept something",
  );
  assert.deepEqual(written.localStorage, ["kept"], "the away page wrote to localStorage");
  assert.match(String(written.cookie), /kept=yes/, "the away page set a cookie");
  const homeLoads = homeReports().length;
  let url = "";
  await pollUntil(
    async () => {
      url = ((await (await fetch(`${app.renderer.url}/api/session/${id}`)).json()) as { session: { url: string } }).session.url;
      return url.endsWith("/storage-keys.html");
    },
    20_000,
    250,
  );
  assert.equal(url, `${app.fixtures.origin}/storage-keys.html`, "back on the kiosk's page");
  await app.fixtures.waitFor(() => homeReports().length > homeLoads, 15_000, "the kiosk page loaded again after the reset");
  const found = homeReports().at(-1)!;
  assert.deepEqual(found.localStorage, [], "localStorage is empty after the reset");
  assert.equal(found.cookie, "", "no cookie is left after the reset");
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});
