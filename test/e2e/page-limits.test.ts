/**
 * A page's memory ceiling holds by its process, not only its JavaScript heap: a page filling
 * ArrayBuffers (outside the heap) is ended and reopened. A page that does so again after every
 * reopen does not spin: reopens wait longer and longer, and the tablet is told why.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { closeSession, openStream, waitForChannel } from "../support/stream-client.js";

const app = useAppliance({
  config: (origin) =>
    testConfig(origin, {
      sessionFields: "maxPageMemoryMB: 128",
      extraKiosks: `
  - id: hog
    title: Native memory hog
    url: ${origin}/hog-native.html`,
    }),
  client: true,
});

const loads = () => app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/hog-native.html").length;

test("a page over the ceiling outside its JavaScript heap is reopened, and one that keeps crashing backs off with the tablet told", async () => {
  const page = await app.client.newPage();
  const id = await openStream(page, app.renderer.url, "hog");
  try {
    await waitForChannel(page);
    await page.evaluate(() => {
      const w = window as unknown as { __stream: { dc: RTCDataChannel }; __events: { type: string; code?: string; message?: string }[] };
      w.__events = [];
      w.__stream.dc.addEventListener("message", (e) => w.__events.push(JSON.parse(e.data as string)));
    });
    // Ended by its process's memory and reopened, again and again…
    await app.fixtures.waitFor(() => loads() >= 3, 60_000, "the page reopened twice after passing the ceiling");
    assert.ok(app.renderer.logs.join("").includes("page memory over the ceiling (its process)"), "ended for its process memory");
    // …until the loop is noticed: the tablet is told, and the reopen waits.
    const notice = await page.waitForFunction(
      () =>
        (window as unknown as { __events: { code?: string; message?: string }[] }).__events.find((e) => e.code === "page_crash_loop")
          ?.message,
      undefined,
      { timeout: 60_000 },
    );
    assert.match(String(await notice.jsonValue()), /keeps crashing.*trying again in \d+ s/);
    const waits = [...app.renderer.logs.join("").matchAll(/"delayMs":(\d+)[^\n]*page keeps crashing/g)].map((m) => Number(m[1]));
    assert.ok(waits.length >= 1 && waits[0] >= 2000, `the first reopen in the loop waits (${waits.join(", ")} ms)`);
    assert.equal((await fetch(`${app.renderer.url}/health`)).status, 200, "the appliance stays healthy");
  } finally {
    await page.close();
    await closeSession(app.renderer.url, id);
  }
});
