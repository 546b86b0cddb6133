/**
 * A double tap on a tablet reaches the remote page as a double click, every time: pages such as
 * TodoMVC open their editors on `dblclick`, which needs both taps to keep their rhythm (≈100 ms
 * apart, well inside the double-tap interval) all the way through the viewer, the DataChannel and
 * the renderer's input dispatch.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { pageToClient } from "../support/viewer-page.js";

const PAIRS = 10;
const TAP_GAP_MS = 100;

let page: Page;

const app = useAppliance({
  config: (origin) =>
    testConfig(origin, { extraKiosks: `\n  - id: double-tap\n    title: Double tap\n    url: ${origin}/double-tap.html` }),
  client: true,
  setUp: async ({ client }) => {
    const context = await client.newContext({
      viewport: { width: 800, height: 1280 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 1,
    });
    page = await context.newPage();
  },
});

const count = (event: string) => app.fixtures.reports.filter((r) => r.event === event).length;

test(`${PAIRS} double taps through the viewer become ${PAIRS} dblclicks in the page`, async (t) => {
  await page.goto(`${app.renderer.url}/viewer?kiosk=double-tap`);
  await app.fixtures.waitFor((r) => r.event === "loaded" && r.path === "/double-tap.html", 30_000, "the double-tap page");
  await page.waitForFunction(
    () => {
      const v = document
        .querySelector("jiomosa-viewer")
        ?.shadowRoot?.querySelector("jiomosa-stream-view")
        ?.shadowRoot?.querySelector("video");
      return !!v && v.videoWidth > 0;
    },
    undefined,
    { timeout: 30_000 },
  );

  for (let pair = 0; pair < PAIRS; pair++) {
    // Alternate far apart, so one pair's taps never count as a continuation of the previous pair.
    const at = await pageToClient(page, pair % 2 === 0 ? 150 : 650, 400);
    const clicks = count("click");
    await page.touchscreen.tap(at.x, at.y);
    await new Promise((r) => setTimeout(r, TAP_GAP_MS)); // The rhythm under test, not a wait for a state.
    await page.touchscreen.tap(at.x, at.y);
    await app.fixtures.waitFor(() => count("click") >= clicks + 2, 15_000, `both clicks of double tap ${pair + 1}`);
  }

  const details = app.fixtures.reports.filter((r) => r.event === "click").map((r) => r.detail);
  t.diagnostic(`click details: ${details.join(",")}`);
  await app.fixtures.waitFor(() => count("dblclick") >= PAIRS, 5_000, `${PAIRS} dblclicks`).catch(() => {});
  assert.equal(count("dblclick"), PAIRS, `dblclicks for ${PAIRS} double taps (click details ${details.join(",")})`);
});
