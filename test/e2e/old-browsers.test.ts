/**
 * Old tablets: real Chromium 65, 71, 78 and 83 builds (the WebViews that cheap tablets keep for
 * years) open the launcher, the viewer and the diagnostics page of one shared renderer; a tap and
 * typed text reach the remote page, and the video is decoded (frames counted, a pixel read back).
 * They are driven over raw CDP with touch and soft-keyboard input, as the tablet's own would be.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CdpPage } from "../support/cdp-page.js";
import { testConfig } from "../support/config.js";
import { FixtureServer } from "../support/fixture-server.js";
import { cleanOldChromiumCache, launchOldChromium, OLD_CHROMIUM_VERSIONS, type OldChromium, oldChromiumPath } from "../support/old-chromium.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";
import { pollUntil } from "../support/wait.js";

/** The first run fetches and unpacks four Chromium builds (≈ 150 MB of packages). */
const SETUP_TIMEOUT_MS = 600_000;
const STEP_TIMEOUT_MS = 30_000;

let fixtures: FixtureServer;
let renderer: RendererProcess;

before(
  async () => {
    cleanOldChromiumCache();
    for (const version of OLD_CHROMIUM_VERSIONS) await oldChromiumPath(version);
    fixtures = new FixtureServer();
    await fixtures.start();
    renderer = await startRenderer(testConfig(fixtures.origin));
  },
  { timeout: SETUP_TIMEOUT_MS },
);

after(async () => {
  const code = await renderer?.stop();
  await fixtures?.stop();
  assert.equal(code, 0);
});

/** Polls `expression` in the page until it is truthy, and returns its value. */
async function waitIn<T>(page: CdpPage, expression: string, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  let value: T | undefined;
  const ok = await pollUntil(async () => {
    value = await page.evaluate<T>(expression).catch(() => undefined);
    return !!value;
  }, timeoutMs);
  if (!ok) throw new Error(`timed out waiting: ${what}; page exceptions: ${page.exceptions.join(" | ") || "none"}`);
  return value as T;
}

// ES2017 at most: these expressions run in Chromium 65 as typed.
const VIDEO = `(document.querySelector("jiomosa-viewer") && document.querySelector("jiomosa-viewer").shadowRoot.querySelector("jiomosa-stream-view") &&
  document.querySelector("jiomosa-viewer").shadowRoot.querySelector("jiomosa-stream-view").shadowRoot.querySelector("video"))`;

/** Client point of remote page point (x, y) inside the letterboxed video, and the colour shown there. */
const atRemotePoint = (x: number, y: number) => `(function () {
  var video = ${VIDEO};
  if (!video || !video.videoWidth) return null;
  var rect = video.getBoundingClientRect();
  var scale = Math.min(rect.width / video.videoWidth, rect.height / video.videoHeight);
  var left = rect.left + (rect.width - video.videoWidth * scale) / 2;
  var top = rect.top + (rect.height - video.videoHeight * scale) / 2;
  var canvas = document.createElement("canvas");
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  var g = canvas.getContext("2d");
  g.drawImage(video, 0, 0);
  var p = g.getImageData(${x}, ${y}, 1, 1).data;
  return { x: left + ${x} * scale, y: top + ${y} * scale, r: p[0], g: p[1], b: p[2], width: video.videoWidth, decoded: video.webkitDecodedFrameCount };
})()`;

/** Matches reports that arrive after this moment only (the fixture server keeps every browser's). */
const newReport = (event: string) => {
  const seen = fixtures.reports.length;
  return (r: { event: string }) => r.event === event && fixtures.reports.indexOf(r as never) >= seen;
};

interface RemotePoint {
  x: number;
  y: number;
  r: number;
  g: number;
  b: number;
  width: number;
  decoded: number;
}

for (const version of OLD_CHROMIUM_VERSIONS) {
  describe(`Chrome ${version}`, () => {
    let browser: OldChromium;
    let page: CdpPage;

    before(async () => {
      browser = await launchOldChromium(version);
      page = await CdpPage.connect(browser.endpoint);
      // A touch screen, so taps arrive as touch events, as on a tablet.
      await page.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
    });

    after(async () => {
      page?.close();
      await browser?.close();
    });

    test("the launcher shows the kiosks, from the legacy bundle", async () => {
      await page.navigate(`${renderer.url}/`);
      const tiles = await waitIn<string[]>(
        page,
        `(function () { var l = document.querySelector("jiomosa-launcher"); var t = l && l.shadowRoot && l.shadowRoot.querySelectorAll("a.tile[data-kiosk]");
          return t && t.length ? Array.prototype.map.call(t, function (a) { return a.getAttribute("data-kiosk"); }) : null; })()`,
        "the launcher's kiosk tiles",
      );
      assert.deepEqual(tiles, ["test-page", "animated", "tablet"]);
      assert.equal(await page.evaluate<boolean>(`!!document.querySelector('script[src="/app-legacy.js"]')`), true, "the legacy bundle was chosen");
      assert.deepEqual(page.exceptions, []);
    });

    test("the viewer decodes the remote page's frames", async () => {
      const loaded = newReport("loaded");
      await page.navigate(`${renderer.url}/viewer?kiosk=test-page`);
      await fixtures.waitFor(loaded, STEP_TIMEOUT_MS, "the test page");
      const red = await waitIn<RemotePoint>(page, `(function () { var p = ${atRemotePoint(200, 100)}; return p && p.decoded > 0 && p.r > 150 && p.g < 80 ? p : null; })()`, "the red tap zone in decoded video");
      assert.ok(red.width > 0 && red.decoded > 0, `decoded ${red.decoded} frames at width ${red.width}`);
    });

    test("a tap reaches the remote page and its change comes back", async () => {
      const click = newReport("click");
      const at = await page.evaluate<RemotePoint>(atRemotePoint(200, 100));
      await page.tap(at.x, at.y);
      const reported = await fixtures.waitFor(click, STEP_TIMEOUT_MS, "the tap in the remote page");
      assert.ok(Math.abs(Number(reported.x) - 200) <= 3 && Math.abs(Number(reported.y) - 100) <= 3, `tap landed at ${reported.x},${reported.y}`);
      await waitIn(page, `(function () { var p = ${atRemotePoint(200, 100)}; return p && p.g > 150 && p.r < 80; })()`, "the tap zone turned green");
    });

    test("typed text reaches the focused field", async () => {
      const field = await page.evaluate<RemotePoint>(atRemotePoint(300, 330));
      await page.tap(field.x, field.y);
      const text = `chrome ${version}`;
      await waitIn(
        page,
        `(function () { var v = document.querySelector("jiomosa-viewer"); var k = v && v.shadowRoot.querySelector("jiomosa-keyboard-bridge");
          var t = k && k.shadowRoot && k.shadowRoot.querySelector("textarea"); return !!t && k.shadowRoot.activeElement === t; })()`,
        "the keyboard bridge has the focus",
      );
      await page.insertText(text);
      await fixtures.waitFor((r) => r.event === "input" && r.value === text, STEP_TIMEOUT_MS, `"${text}" in the remote field`);
    });

    test("the diagnostics page runs every check", async () => {
      await page.navigate(`${renderer.url}/diagnostics`);
      const rows = await waitIn<Record<string, string>>(
        page,
        `(function () { var d = document.querySelector("jiomosa-diagnostics"); if (!d || !d.hasAttribute("data-done")) return null;
          var out = {}; Array.prototype.forEach.call(d.shadowRoot.querySelectorAll("[data-check]"), function (row) { out[row.getAttribute("data-check")] = row.getAttribute("data-result"); });
          return out; })()`,
        "every diagnostics check done",
        90_000,
      );
      for (const id of ["http", "websocket", "rtt", "ice", "vp8"]) assert.equal(rows[id], "pass", `check ${id}: ${JSON.stringify(rows)}`);
    });
  });
}
