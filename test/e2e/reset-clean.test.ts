/**
 * A reset with clearStorageOnReset leaves nothing behind as seen from the page: localStorage of
 * the kiosk's origin and of another origin it framed, and IndexedDB, are all gone.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testConfig } from "../support/config.js";
import { FixtureServer, type Report } from "../support/fixture-server.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";

/** Long enough for the page to store everything after it was loaded, short enough for a test. */
const RESET_AFTER_IDLE_SECONDS = 8;

let fixtures: FixtureServer;
/** The second origin: the same pages on another port, with reports of its own. */
let otherFixtures: FixtureServer;
let renderer: RendererProcess;
let home = "";

before(async () => {
  fixtures = new FixtureServer();
  await fixtures.start();
  otherFixtures = new FixtureServer();
  await otherFixtures.start();
  home = `${fixtures.origin}/storage.html?other=${encodeURIComponent(otherFixtures.origin)}`;
  // The second origin is a kiosk too, so the URL policy lets the page frame it.
  const extraKiosks = `\n  - { id: storage, title: Storage, url: "${home}" }\n  - { id: storage-other, title: Storage elsewhere, url: "${otherFixtures.origin}/storage.html" }`;
  renderer = await startRenderer(
    testConfig(fixtures.origin, {
      extraKiosks,
      sessionFields: `resetAfterIdleSeconds: ${RESET_AFTER_IDLE_SECONDS}, clearStorageOnReset: true`,
    }),
  );
});

after(async () => {
  assert.equal(await renderer?.stop(), 0);
  await fixtures?.stop();
  await otherFixtures?.stop();
});

test("a reset that clears storage leaves no localStorage in either origin and no IndexedDB", async () => {
  const res = await fetch(`${renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kiosk: "storage" }),
  });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  // The kiosk page and its frame report first, so no report of theirs can be taken for one after the reset.
  await otherFixtures.waitFor((r) => r.event === "storage" && r.write === false && r.role === "frame", 15_000, "the kiosk page's frame");
  const load = await fetch(`${renderer.url}/api/session/${id}/load`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${home}&write=1` }),
  });
  assert.equal(load.status, 200);
  const written = (role: string) => (r: Report) => r.event === "storage" && r.write === true && r.role === role;
  const top = await fixtures.waitFor(written("top"), 15_000, "the page stored its marks");
  const frame = await otherFixtures.waitFor(written("frame"), 15_000, "the framed origin stored its mark");
  assert.deepEqual([top.ls, top.idb, frame.ls], ["kept", true, "kept"], "the marks were stored before the reset");
  assert.notEqual(top.origin, frame.origin);
  const afterWrites = { top: fixtures.reports.length, frame: otherFixtures.reports.length };

  const fresh = (role: "top" | "frame", server: FixtureServer) => (r: Report) =>
    r.event === "storage" && r.write === false && r.role === role && server.reports.indexOf(r) >= afterWrites[role];
  const homeTop = await fixtures.waitFor(fresh("top", fixtures), (RESET_AFTER_IDLE_SECONDS + 20) * 1000, "the kiosk page after the reset");
  const homeFrame = await otherFixtures.waitFor(fresh("frame", otherFixtures), 15_000, "the framed origin after the reset");
  assert.equal(homeTop.ls, null, "the kiosk origin's localStorage is gone");
  assert.equal(homeTop.idb, false, "IndexedDB is gone");
  assert.equal(homeFrame.ls, null, "the other origin's localStorage is gone");
  assert.ok(renderer.logs.join("").includes("back to the kiosk page"));
  await fetch(`${renderer.url}/api/session/${id}`, { method: "DELETE" });
});
