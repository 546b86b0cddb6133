/**
 * The appliance as a user meets it: a real Chromium opens the launcher, taps a kiosk shortcut,
 * and uses the live page through our viewer. Everything asserted is what the user would see:
 * decoded frames at the page's size, the remote page reacting to a tap (in the page and in the
 * pixels that come back), typed text in a field, a drag, a wheel scroll.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ElementHandle } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { pageToClient } from "../support/viewer-page.js";
import { pollUntil } from "../support/wait.js";
import { installProbe, isGreen, isRed, waitForFrames, waitForPixel } from "../support/video-probe.js";

// The session takes the viewer's stream area (the window below the navigation bar).
const app = useAppliance({ clientPage: { viewport: { width: 1280, height: 800 } } });

const toClient = (x: number, y: number) => pageToClient(app.page, x, y);

test("the launcher shows the configured shortcuts in order", async () => {
  await app.page.goto(`${app.renderer.url}/`);
  const tiles = app.page.locator("a.tile");
  await tiles.first().waitFor({ timeout: 20_000 });
  // Each tile shows a letter badge (no icon configured) and the title.
  const texts = (await tiles.allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
  assert.deepEqual(texts, ["T Test Page", "A Animated", "T Tablet"]);
  assert.equal(await tiles.first().getAttribute("href"), "/viewer?kiosk=test-page");
});

test("tapping a shortcut opens the live page: frames decoded at the viewport size", async () => {
  await app.page.locator('a.tile[data-kiosk="test-page"]').click();
  await app.page.waitForURL(/\/viewer\?kiosk=test-page/);
  const video = await app.page.locator("video").elementHandle({ timeout: 20_000 });
  await installProbe(app.page, video as ElementHandle<HTMLVideoElement>);
  const state = await waitForFrames(app.page, 3);
  const listed = (await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as {
    sessions: { viewport: { width: number; height: number } }[];
  };
  const viewport = listed.sessions[0].viewport;
  assert.equal(viewport.width, 1280, "the session is as wide as the viewer");
  assert.ok(viewport.height >= 600 && viewport.height <= 800, `the session is as tall as the stream area (${viewport.height})`);
  assert.equal(state.width, viewport.width, "decoded frames have the viewport's width");
  assert.equal(state.height, viewport.height, "decoded frames have the viewport's height");
  await waitForPixel(app.page, 640, 120, isRed, "the red tap zone");
  await app.fixtures.waitFor(
    (r) => r.event === "loaded" && r.width === viewport.width && r.height === viewport.height,
    5_000,
    "the page at the viewport size",
  );
});

test("a tap on the letterboxed video lands on the right point and the change comes back", async () => {
  const at = await toClient(640, 120);
  await app.page.mouse.click(at.x, at.y);
  const click = await app.fixtures.waitFor((r) => r.event === "click", 15_000, "the tap in the remote page");
  assert.ok(Math.abs(Number(click.x) - 640) <= 2 && Math.abs(Number(click.y) - 120) <= 2, `tap landed at ${click.x},${click.y}`);
  await waitForPixel(app.page, 640, 120, isGreen, "the tap zone turned green");
});

test("typed text reaches the focused field", async () => {
  const at = await toClient(300, 330);
  await app.page.mouse.click(at.x, at.y);
  await app.page.keyboard.type("kiosk 42");
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "kiosk 42", 15_000, "the typed text");
  await app.page.keyboard.press("Backspace");
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "kiosk 4", 15_000, "Backspace");
  await app.page.keyboard.press("Enter");
  await app.fixtures.waitFor((r) => r.event === "keydown" && r.key === "Enter", 15_000, "Enter");
});

test("a drag reaches the page as press, moves and release", async () => {
  const from = await toClient(750, 350);
  const to = await toClient(1000, 450);
  await app.page.mouse.move(from.x, from.y);
  await app.page.mouse.down();
  await app.page.mouse.move(to.x, to.y, { steps: 10 });
  await app.page.mouse.up();
  const drag = await app.fixtures.waitFor((r) => r.event === "drag", 15_000, "the drag");
  assert.ok(Math.abs(Number(drag.dx) - 250) <= 3, `dragged dx ${drag.dx}`);
  assert.ok(Math.abs(Number(drag.dy) - 100) <= 3, `dragged dy ${drag.dy}`);
  assert.ok(Number(drag.moves) >= 1, "moves arrived while the button was held");
});

test("the wheel scrolls the remote page", async () => {
  const at = await toClient(640, 600);
  await app.page.mouse.move(at.x, at.y);
  await app.page.mouse.wheel(0, 500);
  const scrolled = await app.fixtures.waitFor((r) => r.event === "scroll" && Number(r.y) > 0, 15_000, "the page scrolled");
  assert.ok(Number(scrolled.y) >= 200, `scrolled to ${scrolled.y}`);
});

test("the home button ends the session and returns to the launcher", async () => {
  const before = (await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as { sessions: unknown[] };
  assert.equal(before.sessions.length, 1);
  await app.page.locator("button.home").click();
  await app.page.waitForURL(`${app.renderer.url}/`);
  let count = 1;
  await pollUntil(
    async () => {
      count = ((await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as { sessions: unknown[] }).sessions.length;
      return count === 0;
    },
    10_000,
    200,
  );
  assert.equal(count, 0, "the session was closed");
});

test("a URL outside the kiosks shows a clear not-allowed message on the tablet", async () => {
  const other = await app.client.newPage({ viewport: { width: 800, height: 600 } });
  await other.goto(`${app.renderer.url}/viewer?url=${encodeURIComponent("http://192.0.2.77/")}`);
  const overlay = other.locator('.overlay[data-status="error"]');
  await overlay.waitFor({ timeout: 20_000 });
  assert.match((await overlay.textContent()) ?? "", /may not be opened: http:\/\/192\.0\.2\.77 is not a configured kiosk/);
  await other.close();
});
