/**
 * A hostile kiosk page against the boundary: by every kind of request (fetch, XHR, beacon,
 * image, script, frame, EventSource, WebSocket) and from every kind of target (the page,
 * dedicated, shared and service workers, popups), it tries to reach a loopback server that no
 * kiosk names, under every other spelling of its address, and the appliance's own API under
 * every name of the box. A control address that a kiosk names is reached the same way, so a
 * vector that never fires cannot pass for a blocked one.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { CanaryServer } from "../support/canary-server.js";
import { testConfig } from "../support/config.js";
import type { Report } from "../support/fixture-server.js";
import { waitFor } from "../support/wait.js";

/** A loopback server no kiosk names but the control kiosk: what reaches it is what got through. */
const canary = new CanaryServer();

const app = useAppliance({
  beforeStart: async () => {
    await canary.start();
    return () => canary.stop();
  },
  config: (origin) =>
    testConfig(origin, { extraKiosks: `\n  - id: control\n    title: Control\n    url: http://127.0.0.1:${canary.port}/control` }),
});

async function createSession(url: string): Promise<string> {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { session_id: string }).session_id;
}

async function closeSession(id: string): Promise<void> {
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
}

async function sessionIds(): Promise<string[]> {
  const body = (await (await fetch(`${app.renderer.url}/api/sessions`)).json()) as { sessions: { sessions: string[] } };
  return body.sessions.sessions;
}

type Outcome = Record<string, { target: string; control: string }>;

/** Other spellings of the loopback server the control kiosk names only as 127.0.0.1:<port>. */
const SPELLINGS = ["127.0.0.2", "localhost", "localhost.", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", hostname()];

for (const spelling of SPELLINGS) {
  test(`a page reaches no loopback server by the spelling ${spelling}, from any target, by any request`, async () => {
    const to = `http://${spelling}:${canary.port}/t-${encodeURIComponent(spelling)}`;
    const ctl = `http://127.0.0.1:${canary.port}/c-${encodeURIComponent(spelling)}`;
    const id = await createSession(`${app.fixtures.origin}/hostile.html?to=${encodeURIComponent(to)}&ctl=${encodeURIComponent(ctl)}`);
    try {
      const done = await app.fixtures.waitFor(
        (r: Report) => r.event === "hostile-done" && r.to === to,
        60_000,
        `the hostile page (${spelling})`,
      );
      const outcome = done.outcome as Outcome;
      const controlPath = `/c-${encodeURIComponent(spelling)}`;
      // Every vector works against the named address (they did fire)…
      const controlHits = new Set(
        canary.hits.filter((h) => h.path.startsWith(controlPath)).map((h) => h.path.slice(controlPath.length + 1)),
      );
      for (const vector of Object.keys(outcome))
        assert.ok(controlHits.has(vector), `the control ${vector} reached the named address (hits: ${[...controlHits].join(", ")})`);
      // …and none reached the same server under another spelling.
      const leaked = canary.hits.filter((h) => h.path.startsWith(`/t-${encodeURIComponent(spelling)}`));
      assert.deepEqual(
        leaked.map((h) => `${h.method} ${h.path}${h.upgrade ? " (upgrade)" : ""} on ${h.local}`),
        [],
        `requests that reached ${spelling}`,
      );
      // What the page itself could tell (a beacon, a frame's load event and a service worker's
      // install say nothing about the response): no answer from the server it must not reach.
      for (const [vector, { target, control }] of Object.entries(outcome)) {
        if (["beacon", "iframe", "serviceworker"].includes(vector)) continue;
        assert.equal(control, "reached", `the page saw its ${vector} to the named address answered`);
        assert.notEqual(target, "reached", `the page saw its ${vector} to ${spelling} answered`);
      }
    } finally {
      await closeSession(id);
    }
  });
}

/** The appliance under every name of the box (it listens on 127.0.0.1 in tests). */
const APPLIANCE_NAMES = ["127.0.0.1", "localhost", "localhost.", "0.0.0.0", "[::ffff:127.0.0.1]", "2130706433", "0x7f000001", hostname()];

for (const name of APPLIANCE_NAMES) {
  test(`a page cannot use the appliance's API as ${name} (popup form, blank popup, fetch, beacon, WebSocket)`, async () => {
    const before = await sessionIds();
    const base = `http://${name}:${app.renderer.port}`;
    const id = await createSession(`${app.fixtures.origin}/hostile.html?do=api&api=${encodeURIComponent(base)}`);
    try {
      const done = await app.fixtures.waitFor(
        (r: Report) => r.event === "api-done" && r.base === base,
        30_000,
        `the hostile page (${name})`,
      );
      const outcome = done.outcome as Record<string, string>;
      assert.notEqual(outcome.websocket, "reached", "WebSocket to the signaling");
      // A form, a beacon and a no-cors fetch give the page no readable answer: the renderer's
      // refusal of each is the condition, the sessions that exist afterwards the proof.
      const vias = ["via=form", "via=beacon", "via=fetch", ...(outcome.blankPopup === "no popup" ? [] : ["via=blank-popup"])];
      await waitFor(
        () => vias.every((via) => app.renderer.logs.join("").includes(via)),
        `the renderer refusing ${vias.join(", ")}`,
        20_000,
      );
      const created = (await sessionIds()).filter((s) => !before.includes(s) && s !== id);
      assert.deepEqual(created, [], "sessions the page created through the API");
    } finally {
      await closeSession(id);
    }
  });
}
