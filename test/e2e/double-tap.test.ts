/**
 * A double tap on a tablet reaches the remote page as a double click, every time: pages such as
 * TodoMVC open their editors on `dblclick`, which needs both taps to keep their rhythm (≈100 ms
 * apart, well inside the double-tap interval) all the way through the viewer, the DataChannel and
 * the renderer's input dispatch.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchClient } from "../support/client-browser.js";
import { testConfig } from "../support/config.js";
import { FixtureServer } from "../support/fixture-server.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";
import { pageToClient } from "../support/viewer-page.js";

const PAIRS = 10;
const TAP_GAP_MS = 100;

let fixtures: FixtureServer;
let renderer: RendererProcess;
let client: Browser;
let page: Page;

before(async () => {
  fixtures = new FixtureServer();
  await fixtures.start();
  const extraKiosks = `\n  - id: double-tap\n    title: Double tap\n    url: ${fixtures.origin}/double-tap.html`;
  renderer = await startRenderer(testConfig(fixtures.origin, { extraKiosks }));
  client = await launchClient();
  const context = await client.newContext({ viewport: { width: 800, height: 1280 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  page = await context.newPage();
});

after(async () => {
  await client?.close();
  const code = await renderer?.stop();
  await fixtures?.stop();
  assert.equal(code, 0);
});

const count = (event: string) => fixtures.reports.filter((r) => r.event === event).length;

test(`${PAIRS} double taps through the viewer become ${PAIRS} dblclicks in the page`, async (t) => {
  await page.goto(`${renderer.url}/viewer?kiosk=double-tap`);
  await fixtures.waitFor((r) => r.event === "loaded" && r.path === "/double-tap.html", 30_000, "the double-tap page");
  await page.waitForFunction(() => {
    const v = document.querySelector("jiomosa-viewer")?.shadowRoot?.querySelector("jiomosa-stream-view")?.shadowRoot?.querySelector("video");
    return !!v && v.videoWidth > 0;
  }, undefined, { timeout: 30_000 });

  for (let pair = 0; pair < PAIRS; pair++) {
    // Alternate far apart, so one pair's taps never count as a continuation of the previous pair.
    const at = await pageToClient(page, pair % 2 === 0 ? 150 : 650, 400);
    const clicks = count("click");
    await page.touchscreen.tap(at.x, at.y);
    await new Promise((r) => setTimeout(r, TAP_GAP_MS)); // The rhythm under test, not a wait for a state.
    await page.touchscreen.tap(at.x, at.y);
    await fixtures.waitFor(() => count("click") >= clicks + 2, 15_000, `both clicks of double tap ${pair + 1}`);
  }

  const details = fixtures.reports.filter((r) => r.event === "click").map((r) => r.detail);
  t.diagnostic(`click details: ${details.join(",")}`);
  await fixtures.waitFor(() => count("dblclick") >= PAIRS, 5_000, `${PAIRS} dblclicks`).catch(() => {});
  assert.equal(count("dblclick"), PAIRS, `dblclicks for ${PAIRS} double taps (click details ${details.join(",")})`);
});
