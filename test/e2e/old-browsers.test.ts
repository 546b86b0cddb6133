/**
 * Old tablets: real Chromium 65, 71, 78 and 83 builds (the WebViews that cheap tablets keep for
 * years) open the launcher, the viewer and the diagnostics page of one shared renderer; a tap and
 * typed text reach the remote page, and the video is decoded (frames counted, a pixel read back).
 * They are driven over raw CDP with touch and soft-keyboard input, as the tablet's own would be.
 * Below the floor (an old user agent, a missing API) and when the bundle fails, the page shell
 * says so in words instead of staying blank; a current browser loads only the modern bundle.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { CdpPage } from "../support/cdp-page.js";
import { launchClient } from "../support/client-browser.js";
import { testConfig, toneKiosk } from "../support/config.js";
import {
  cleanOldChromiumCache,
  launchOldChromium,
  OLD_CHROMIUM_VERSIONS,
  type OldChromium,
  oldChromiumPath,
} from "../support/old-chromium.js";
import { pollUntil } from "../support/wait.js";

/** The first run fetches and unpacks four Chromium builds (≈ 150 MB of packages). */
const SETUP_TIMEOUT_MS = 600_000;
const STEP_TIMEOUT_MS = 30_000;

const app = useAppliance({
  // The old builds are fetched before anything starts: the download is what may take minutes.
  beforeStart: async () => {
    cleanOldChromiumCache();
    for (const version of OLD_CHROMIUM_VERSIONS) await oldChromiumPath(version);
  },
  config: (origin) => testConfig(origin, { extraKiosks: toneKiosk(origin) }),
  startTimeoutMs: SETUP_TIMEOUT_MS,
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
  const seen = app.fixtures.reports.length;
  return (r: { event: string }) => r.event === event && app.fixtures.reports.indexOf(r) >= seen;
};

/** Records every RTCPeerConnection the page makes, for getStats (ES5: runs in Chromium 65 before the page). */
const PEER_RECORDER = `(function () {
  var Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__peers = [];
  var Recorded = function (config) { var peer = new Native(config); window.__peers.push(peer); return peer; };
  Recorded.prototype = Native.prototype;
  window.RTCPeerConnection = Recorded;
})();`;

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
      // Keep each RTCPeerConnection the viewer makes within reach, to read its received audio.
      await page.send("Page.addScriptToEvaluateOnNewDocument", { source: PEER_RECORDER });
    });

    after(async () => {
      page?.close();
      await browser?.close();
      // Each browser leaves its sessions behind; the next one starts with the renderer empty.
      const closed = await fetch(`${app.renderer.url}/api/sessions`, { method: "DELETE" });
      assert.equal(closed.status, 200);
    });

    test("the launcher shows the kiosks, from the legacy bundle", async () => {
      await page.navigate(`${app.renderer.url}/`);
      const tiles = await waitIn<string[]>(
        page,
        `(function () { var l = document.querySelector("jiomosa-launcher"); var t = l && l.shadowRoot && l.shadowRoot.querySelectorAll("a.tile[data-kiosk]");
          return t && t.length ? Array.prototype.map.call(t, function (a) { return a.getAttribute("data-kiosk"); }) : null; })()`,
        "the launcher's kiosk tiles",
      );
      assert.deepEqual(tiles, ["test-page", "animated", "tablet", "tone"]);
      assert.equal(
        await page.evaluate<boolean>(`!!document.querySelector('script[src="/app-legacy.js"]')`),
        true,
        "the legacy bundle was chosen",
      );
      assert.deepEqual(page.exceptions, []);
    });

    test("the viewer decodes the remote page's frames", async () => {
      const loaded = newReport("loaded");
      await page.navigate(`${app.renderer.url}/viewer?kiosk=test-page`);
      await app.fixtures.waitFor(loaded, STEP_TIMEOUT_MS, "the test page");
      const red = await waitIn<RemotePoint>(
        page,
        `(function () { var p = ${atRemotePoint(200, 100)}; return p && p.decoded > 0 && p.r > 150 && p.g < 80 ? p : null; })()`,
        "the red tap zone in decoded video",
      );
      assert.ok(red.width > 0 && red.decoded > 0, `decoded ${red.decoded} frames at width ${red.width}`);
    });

    test("a tap reaches the remote page and its change comes back", async () => {
      const click = newReport("click");
      const at = await page.evaluate<RemotePoint>(atRemotePoint(200, 100));
      await page.tap(at.x, at.y);
      const reported = await app.fixtures.waitFor(click, STEP_TIMEOUT_MS, "the tap in the remote page");
      assert.ok(
        Math.abs(Number(reported.x) - 200) <= 3 && Math.abs(Number(reported.y) - 100) <= 3,
        `tap landed at ${reported.x},${reported.y}`,
      );
      await waitIn(
        page,
        `(function () { var p = ${atRemotePoint(200, 100)}; return p && p.g > 150 && p.r < 80; })()`,
        "the tap zone turned green",
      );
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
      await app.fixtures.waitFor((r) => r.event === "input" && r.value === text, STEP_TIMEOUT_MS, `"${text}" in the remote field`);
    });

    test("a kiosk's sound arrives beside the video", async () => {
      await page.navigate(`${app.renderer.url}/viewer?kiosk=tone`);
      const audio = await waitIn<{ tracks: number; bytes: number }>(
        page,
        `(function () {
          var video = ${VIDEO};
          var peer = window.__peers && window.__peers[window.__peers.length - 1];
          if (!video || !video.srcObject || !peer) return null;
          var tracks = video.srcObject.getAudioTracks().length;
          return peer.getStats().then(function (report) {
            var bytes = 0;
            report.forEach(function (s) {
              if (s.type === "inbound-rtp" && (s.kind || s.mediaType) === "audio") bytes = s.bytesReceived || 0;
            });
            return tracks > 0 && bytes > 20000 ? { tracks: tracks, bytes: bytes } : null;
          });
        })()`,
        // These headless builds have no audio output, so the level they report stays 0: the
        // test shows the Opus track arriving in the stream; audibility is tested in audio.test.
        "the tone's audio track receiving Opus packets",
        STEP_TIMEOUT_MS * 2,
      );
      assert.equal(audio.tracks, 1);
    });

    test("the diagnostics page runs every check", async () => {
      await page.navigate(`${app.renderer.url}/diagnostics`);
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

describe("the page shell", () => {
  let client: Browser;

  before(async () => {
    client = await launchClient();
  });
  after(async () => client?.close());

  /** The words and link the page shows, once it shows the too-old message. */
  async function shellMessage(options: { userAgent?: string; initScript?: string; failBundle?: boolean }) {
    const context = await client.newContext(options.userAgent ? { userAgent: options.userAgent } : {});
    try {
      if (options.initScript) await context.addInitScript(options.initScript);
      const page = await context.newPage();
      if (options.failBundle) await page.route(/\/app(-legacy)?\.js$/, (route) => route.fulfill({ status: 500, body: "" }));
      await page.goto(`${app.renderer.url}/`);
      const alert = page.locator('.too-old[role="alert"]');
      await alert.waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.locator(".too-old h1", { hasText: "Jiomosa Test" }).waitFor({ timeout: STEP_TIMEOUT_MS });
      return { text: (await alert.locator(".text").textContent()) ?? "", link: await alert.locator("a").getAttribute("href") };
    } finally {
      await context.close();
    }
  }

  test("Chrome 49 is told plainly that it is too old, with the oldest that works and the diagnostics link", async () => {
    const { text, link } = await shellMessage({
      userAgent: "Mozilla/5.0 (Linux; Android 6.0; Tablet) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.105 Safari/537.36",
    });
    assert.match(text, /^This browser \(Chrome 49\) is too old for this kiosk; the oldest that works is Chrome 65\./);
    assert.equal(link, "/diagnostics");
  });

  test("a browser without custom elements gets the same message, whatever its user agent says", async () => {
    for (const api of ["window.customElements", "Element.prototype.attachShadow"]) {
      const { text } = await shellMessage({ initScript: `delete ${api};` });
      assert.match(text, /^This browser \(Chrome \d+\) is too old for this kiosk; the oldest that works is Chrome 65\./, api);
    }
  });

  test("a bundle that fails to load is a message, not a blank page", async () => {
    const { text } = await shellMessage({ failBundle: true });
    assert.match(text, /^The kiosk app could not start/);
  });

  test("a current browser loads the modern bundle only", async () => {
    const context = await client.newContext();
    try {
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on("request", (request) => {
        if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
      });
      await page.goto(`${app.renderer.url}/`);
      await page.locator("a.tile[data-kiosk]").first().waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.deepEqual(scripts, ["/app.js"]);
    } finally {
      await context.close();
    }
  });
});
