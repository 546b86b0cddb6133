/**
 * The tablet as a real thin client: a client Chromium emulating an Android tablet (isMobile,
 * hasTouch, 800×1280) uses a page through our viewer with touch only: tap, swipe, the soft
 * keyboard bridge with IME composition, a <select> picker and a confirm() dialog answered on the
 * tablet, rotation, and a network drop that resumes the same page.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { pageToClient } from "../support/viewer-page.js";

let context: BrowserContext;
let page: Page;
let cdp: CDPSession;

const app = useAppliance({
  client: true,
  setUp: async ({ client }) => {
    context = await client.newContext({ viewport: { width: 800, height: 1280 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
  },
});

const toClient = (x: number, y: number) => pageToClient(page, x, y);

async function tap(x: number, y: number): Promise<void> {
  const at = await toClient(x, y);
  await page.touchscreen.tap(at.x, at.y);
}

async function videoSize(): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const video = document
      .querySelector("jiomosa-viewer")!
      .shadowRoot!.querySelector("jiomosa-stream-view")!
      .shadowRoot!.querySelector("video")!;
    return { width: video.videoWidth, height: video.videoHeight };
  });
}

test("the session takes the tablet's size and the page sees a touch device", async () => {
  await page.goto(`${app.renderer.url}/viewer?kiosk=tablet`);
  const loaded = await app.fixtures.waitFor((r) => r.event === "loaded" && r.path === "/tablet-page.html", 30_000, "the tablet page");
  assert.equal(loaded.touch, true, "touch events are available in the remote page");
  assert.equal(loaded.width, 800, "the remote viewport is as wide as the tablet");
  assert.ok(Number(loaded.height) > 1000 && Number(loaded.height) <= 1280, `remote height ${loaded.height} is the tablet's stream area`);
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
  const size = await videoSize();
  assert.equal(size.width, 800);
  assert.equal(size.height, loaded.height);
});

test("a tap on a link navigates, and back returns", async () => {
  await tap(100, 55);
  await app.fixtures.waitFor((r) => r.event === "loaded" && r.path === "/page2.html", 20_000, "page two after tapping the link");
  const loadsBefore = app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/tablet-page.html").length;
  const back = page.locator('nav.nav-bar button[data-action="back"]');
  await back.waitFor({ timeout: 10_000 });
  await page.waitForFunction(
    () => {
      const b = document
        .querySelector("jiomosa-viewer")
        ?.shadowRoot?.querySelector('nav.nav-bar button[data-action="back"]') as HTMLButtonElement | null;
      return !!b && !b.disabled;
    },
    undefined,
    { timeout: 10_000 },
  );
  await back.click();
  await app.fixtures.waitFor(
    () => app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/tablet-page.html").length > loadsBefore,
    20_000,
    "the tablet page again after back",
  );
  // The next test taps into this page: wait until the tablet shows it loaded, not merely requested.
  await page.waitForFunction(
    () => {
      const bar = document.querySelector("jiomosa-viewer")?.shadowRoot?.querySelector("nav.nav-bar");
      return (
        bar?.querySelector(".title")?.textContent === "Tablet test page" &&
        bar.querySelector<HTMLElement>(".progress")?.dataset.loading === "false"
      );
    },
    undefined,
    { timeout: 15_000 },
  );
});

test("a tap on the remote input opens the keyboard bridge; typed and composed text lands in the field", async () => {
  await tap(200, 155);
  const bridge = page.locator("textarea.keyboard-bridge");
  await page.waitForFunction(
    () => {
      const active = document.querySelector("jiomosa-viewer")?.shadowRoot?.activeElement ?? document.activeElement;
      return !!active && (active as HTMLElement).matches?.("textarea.keyboard-bridge, jiomosa-keyboard-bridge");
    },
    undefined,
    { timeout: 15_000 },
  );
  await bridge.waitFor({ state: "attached", timeout: 15_000 });
  assert.equal(
    await bridge.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement || el === document.activeElement),
    true,
    "the hidden textarea has focus (the soft keyboard opens)",
  );
  await page.keyboard.type("hi ");
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "hi ", 15_000, "typed text");
  // An IME: composition updates, then the committed word.
  await cdp.send("Input.imeSetComposition", { text: "wor", selectionStart: 3, selectionEnd: 3 });
  await cdp.send("Input.imeSetComposition", { text: "world", selectionStart: 5, selectionEnd: 5 });
  await app.fixtures.waitFor((r) => r.event === "composition" && r.data === "world", 15_000, "the composition shown in the remote field");
  await cdp.send("Input.insertText", { text: "world" });
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "hi world", 15_000, "the committed composition");
  await page.keyboard.press("Backspace");
  await app.fixtures.waitFor((r) => r.event === "input" && r.value === "hi worl", 15_000, "Backspace from the bridge");
});

test("a <select> opens a picker on the tablet and the choice lands in the page", async () => {
  await tap(200, 255);
  const option = page.locator('.picker button.option[data-index="2"]');
  await option.waitFor({ timeout: 15_000 });
  await option.click();
  await app.fixtures.waitFor((r) => r.event === "change" && r.value === "Cherry", 15_000, "the chosen option");
});

test("confirm() appears on the tablet and its answer returns to the page", async () => {
  await tap(200, 355);
  const dialog = page.locator('.dialog[data-kind="confirm"]');
  await dialog.waitFor({ timeout: 15_000 });
  assert.match((await dialog.locator(".message").textContent()) ?? "", /Proceed\?/);
  await dialog.locator("button.accept").click();
  const answer = await app.fixtures.waitFor((r) => r.event === "confirm", 15_000, "the confirm() result");
  assert.equal(answer.answer, true);
});

test("a swipe scrolls the remote page", async () => {
  const from = await toClient(600, 900);
  const to = await toClient(600, 300);
  const steps = 8;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: from.x, y: from.y, id: 1 }] });
  for (let i = 1; i <= steps; i++) {
    const y = from.y + ((to.y - from.y) * i) / steps;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: from.x, y, id: 1 }] });
    // A finger's pace, not a wait for a condition: moves all in one instant are not a swipe.
    await new Promise((r) => setTimeout(r, 20));
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  const scrolled = await app.fixtures.waitFor((r) => r.event === "scroll" && Number(r.y) > 100, 15_000, "the page scrolled by the swipe");
  assert.ok(Number(scrolled.y) > 100);
});

test("rotating the tablet resizes the remote viewport", async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const resized = await app.fixtures.waitFor(
    (r) => r.event === "resize" && r.width === 1280,
    20_000,
    "the remote viewport following the rotation",
  );
  assert.ok(Number(resized.height) > 600 && Number(resized.height) <= 800, `remote height ${resized.height}`);
  await page.waitForFunction(
    (w) => {
      const v = document
        .querySelector("jiomosa-viewer")
        ?.shadowRoot?.querySelector("jiomosa-stream-view")
        ?.shadowRoot?.querySelector("video");
      return v?.videoWidth === w;
    },
    1280,
    { timeout: 20_000 },
  );
});

test("after 10 s offline the viewer resumes the same session and page, typed text intact", async (t) => {
  const before = (await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as {
    sessions: { session_id: string; url: string }[];
  };
  assert.equal(before.sessions.length, 1);
  const loads = app.fixtures.reports.filter((r) => r.event === "loaded").length;
  const frameCount = () =>
    page.evaluate(
      () =>
        (document.querySelector("jiomosa-viewer")!.shadowRoot!.querySelector("jiomosa-stream-view") as unknown as { frameCount: number })
          .frameCount,
    );
  await context.setOffline(true);
  // The length of the outage is the scenario under test, not a wait for a state.
  await new Promise((r) => setTimeout(r, 10_000));
  await context.setOffline(false);
  const backAt = Date.now();
  const framesAtReturn = await frameCount();
  await page.waitForFunction(
    (n) => {
      const viewer = document.querySelector("jiomosa-viewer")!.shadowRoot!;
      const view = viewer.querySelector("jiomosa-stream-view") as unknown as { frameCount: number };
      const overlay = viewer.querySelector(".overlay[data-status]");
      return view.frameCount > n + 1 && (!overlay || overlay.getAttribute("data-status") === "streaming");
    },
    framesAtReturn,
    { timeout: 30_000, polling: 50 },
  );
  t.diagnostic(`network back → frames flowing again: ${Date.now() - backAt} ms`);
  const after = (await (await fetch(`${app.renderer.url}/api/admin/sessions`)).json()) as {
    sessions: { session_id: string; url: string; viewers: number }[];
  };
  assert.deepEqual(
    after.sessions.map((s) => s.session_id),
    before.sessions.map((s) => s.session_id),
    "the same session",
  );
  assert.equal(after.sessions[0].url, before.sessions[0].url, "the same page");
  assert.equal(app.fixtures.reports.filter((r) => r.event === "loaded").length, loads, "the page was not reloaded");
  await tap(200, 455);
  const state = await app.fixtures.waitFor((r) => r.event === "state", 15_000, "the page's state");
  assert.equal(state.value, "hi worl", "the typed text is still in the field");
});
