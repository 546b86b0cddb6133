/**
 * A reset with clearStorageOnReset leaves nothing behind as seen from the page: localStorage of
 * the kiosk's origin and of another origin it framed, and IndexedDB, are all gone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import type { FixtureServer, Report } from "../support/fixture-server.js";

/** Long enough for the page to store everything after it was loaded, short enough for a test. */
const RESET_AFTER_IDLE_SECONDS = 8;

/** The kiosk page, framing the second origin. */
const storageHome = (origin: string, otherOrigin: string) => `${origin}/storage.html?other=${encodeURIComponent(otherOrigin)}`;

// The second origin (`extraFixtures[0]`): the same pages on another port, with reports of its own.
const app = useAppliance({
  extraFixtures: 1,
  config: (origin, { extraFixtures: [other] }) => {
    // The second origin is a kiosk too, so the URL policy lets the page frame it.
    const extraKiosks = `\n  - { id: storage, title: Storage, url: "${storageHome(origin, other.origin)}" }\n  - { id: storage-other, title: Storage elsewhere, url: "${other.origin}/storage.html" }`;
    return testConfig(origin, {
      extraKiosks,
      sessionFields: `resetAfterIdleSeconds: ${RESET_AFTER_IDLE_SECONDS}, clearStorageOnReset: true`,
    });
  },
});

test("a reset that clears storage leaves no localStorage in either origin and no IndexedDB", async () => {
  const otherFixtures = app.extraFixtures[0];
  const home = storageHome(app.fixtures.origin, otherFixtures.origin);
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kiosk: "storage" }),
  });
  assert.equal(res.status, 200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  // The kiosk page and its frame report first, so no report of theirs can be taken for one after the reset.
  await otherFixtures.waitFor((r) => r.event === "storage" && r.write === false && r.role === "frame", 15_000, "the kiosk page's frame");
  const load = await fetch(`${app.renderer.url}/api/session/${id}/load`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${home}&write=1` }),
  });
  assert.equal(load.status, 200);
  const written = (role: string) => (r: Report) => r.event === "storage" && r.write === true && r.role === role;
  const top = await app.fixtures.waitFor(written("top"), 15_000, "the page stored its marks");
  const frame = await otherFixtures.waitFor(written("frame"), 15_000, "the framed origin stored its mark");
  assert.deepEqual([top.ls, top.idb, frame.ls], ["kept", true, "kept"], "the marks were stored before the reset");
  assert.notEqual(top.origin, frame.origin);
  const afterWrites = { top: app.fixtures.reports.length, frame: otherFixtures.reports.length };

  const fresh = (role: "top" | "frame", server: FixtureServer) => (r: Report) =>
    r.event === "storage" && r.write === false && r.role === role && server.reports.indexOf(r) >= afterWrites[role];
  const homeTop = await app.fixtures.waitFor(
    fresh("top", app.fixtures),
    (RESET_AFTER_IDLE_SECONDS + 20) * 1000,
    "the kiosk page after the reset",
  );
  const homeFrame = await otherFixtures.waitFor(fresh("frame", otherFixtures), 15_000, "the framed origin after the reset");
  assert.equal(homeTop.ls, null, "the kiosk origin's localStorage is gone");
  assert.equal(homeTop.idb, false, "IndexedDB is gone");
  assert.equal(homeFrame.ls, null, "the other origin's localStorage is gone");
  assert.ok(app.renderer.logs.join("").includes("back to the kiosk page"));
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});
