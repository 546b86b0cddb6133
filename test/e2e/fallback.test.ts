/**
 * The WebSocket picture path, for tablets where WebRTC cannot work: in a current Chromium with
 * RTCPeerConnection removed (as on a WebView built without it) the viewer shows the page from
 * JPEG frames over /ws/jpeg, and a tap and typed text reach the page; `?transport=websocket`
 * chooses it on purpose; a network where no ICE path works falls back by itself. The picture
 * socket keeps signaling's access rules (PIN cookie, origin, exact path) and its input is
 * validated like DataChannel input.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { WebSocket } from "ws";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { pageToClient } from "../support/viewer-page.js";
import { installProbe, isGreen, isRed, waitForPixel } from "../support/video-probe.js";

const PIN = "519046";
const LISTED = "http://127.0.0.1:9998";
/** The viewer waits WEBRTC_CONNECT_TIMEOUT_MS (15 s) for a WebRTC picture before it falls back. */
const FALLBACK_TIMEOUT_MS = 40_000;

let cookie: string;

const app = useAppliance({
  config: (origin) => testConfig(origin, { extra: `auth: { pin: "${PIN}" }\nallowedOrigins: ["${LISTED}"]` }),
  client: true,
  setUp: async ({ renderer }) => {
    const login = await fetch(`${renderer.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ pin: PIN, next: "/" }).toString(),
      redirect: "manual",
    });
    cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  },
});

/** A tablet-sized page, logged in, that records which sockets the viewer opened. */
async function openTablet(initScript?: () => void): Promise<{ context: BrowserContext; page: Page; sockets: string[] }> {
  const context = await app.client.newContext({ viewport: { width: 1024, height: 700 } });
  const [name, value] = cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: app.renderer.url }]);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(new URL(ws.url()).pathname));
  return { context, page, sockets };
}

async function showsThePage(page: Page): Promise<void> {
  const video = await page.waitForFunction(
    () => {
      const v = document
        .querySelector("jiomosa-viewer")
        ?.shadowRoot?.querySelector("jiomosa-stream-view")
        ?.shadowRoot?.querySelector("video");
      return v && v.videoWidth > 0 ? v : null;
    },
    undefined,
    { timeout: FALLBACK_TIMEOUT_MS },
  );
  await installProbe(page, video.asElement() as import("playwright-core").ElementHandle<HTMLVideoElement>);
  await waitForPixel(page, 200, 100, isRed, "the red tap zone");
}

describe("without WebRTC", () => {
  let context: BrowserContext;
  let page: Page;
  let sockets: string[];

  before(async () => {
    ({ context, page, sockets } = await openTablet(() => {
      // A WebView built without WebRTC.
      const w = window as unknown as Record<string, unknown>;
      delete w.RTCPeerConnection;
      delete w.webkitRTCPeerConnection;
    }));
  });
  after(async () => context?.close());

  test("the viewer shows the page from JPEG frames over the WebSocket", async () => {
    await page.goto(`${app.renderer.url}/viewer?kiosk=test-page`);
    await showsThePage(page);
    assert.deepEqual(sockets, ["/ws/jpeg"], "only the picture socket, no signaling");
  });

  test("a tap reaches the page and its change comes back", async () => {
    const at = await pageToClient(page, 200, 100);
    await page.mouse.click(at.x, at.y);
    const click = await app.fixtures.waitFor((r) => r.event === "click", 15_000, "the tap in the remote page");
    assert.ok(Math.abs(Number(click.x) - 200) <= 2 && Math.abs(Number(click.y) - 100) <= 2, `tap landed at ${click.x},${click.y}`);
    await waitForPixel(page, 200, 100, isGreen, "the tap zone turned green");
  });

  test("typed text reaches the focused field", async () => {
    const at = await pageToClient(page, 300, 330);
    await page.mouse.click(at.x, at.y);
    await page.keyboard.type("over the socket");
    await app.fixtures.waitFor((r) => r.event === "input" && r.value === "over the socket", 15_000, "the typed text");
  });
});

test("?transport=websocket chooses the picture path where WebRTC works", async () => {
  const { context, page, sockets } = await openTablet();
  try {
    await page.goto(`${app.renderer.url}/viewer?kiosk=test-page&transport=websocket`);
    await showsThePage(page);
    assert.deepEqual(sockets, ["/ws/jpeg"]);
  } finally {
    await context.close();
  }
});

test("when no ICE path works, the viewer falls back to the picture path by itself", async () => {
  const { context, page, sockets } = await openTablet(() => {
    // A network that blocks every path: relay only, and no relay to use.
    const Native = window.RTCPeerConnection;
    class Blocked extends Native {
      constructor(config?: RTCConfiguration) {
        super({ ...config, iceServers: [], iceTransportPolicy: "relay" });
      }
    }
    window.RTCPeerConnection = Blocked;
  });
  try {
    await page.goto(`${app.renderer.url}/viewer?kiosk=test-page`);
    await showsThePage(page);
    assert.deepEqual(sockets, ["/ws/signaling", "/ws/jpeg"], "WebRTC first, then the picture path");
  } finally {
    await context.close();
  }
});

// ---- the picture socket's boundaries ----------------------------------------------------------

function openSocket(path: string, headers: Record<string, string>): Promise<WebSocket | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.renderer.port}${path}`, { headers });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
    ws.once("error", (err) => resolve(`error ${err.message}`));
  });
}

function nextText(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      ws.off("message", onMessage);
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    };
    ws.on("message", onMessage);
  });
}

describe("the picture socket", () => {
  test("keeps signaling's access rules: PIN cookie, origin, exact path", async () => {
    assert.equal(await openSocket("/ws/jpeg", {}), "401");
    assert.equal(await openSocket("/ws/jpeg", { cookie: "jiomosa_auth=forged" }), "401");
    assert.equal(await openSocket("/ws/jpeg", { cookie, origin: "http://evil.example" }), "403");
    for (const path of ["/WS/JPEG", "/ws/jpeg/", "/ws/jpeg%2F", "/ws//jpeg"]) assert.equal(await openSocket(path, { cookie }), "404", path);
    const ws = await openSocket("/ws/jpeg", { cookie, origin: LISTED });
    assert.ok(ws instanceof WebSocket);
    ws.close();
  });

  test("input before a join, an unknown session and malformed input get clear errors, and the socket lives on", async () => {
    const ws = await openSocket("/ws/jpeg", { cookie });
    assert.ok(ws instanceof WebSocket);
    try {
      ws.send(JSON.stringify({ type: "input", input: { type: "click", x: 1, y: 1 } }));
      assert.deepEqual(await nextText(ws), { type: "error", code: "not_joined", message: 'send {type:"join", session_id} first' });
      ws.send(JSON.stringify({ type: "join", session_id: "no-such-session" }));
      assert.equal((await nextText(ws)).code, "unknown_session");
      ws.send(JSON.stringify({ type: "join", session_id: "../../etc" }));
      assert.match(String((await nextText(ws)).message), /^session_id: /);
      const created = (await (
        await fetch(`${app.renderer.url}/api/session/create`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ kiosk: "test-page" }),
        })
      ).json()) as { session_id: string };
      ws.send(JSON.stringify({ type: "join", session_id: created.session_id }));
      // The first binary message: the join reply and page events (text) may come before it.
      const frame = new Promise<Buffer>((resolve) => {
        const onMessage = (data: Buffer, isBinary: boolean) => {
          if (!isBinary) return;
          ws.off("message", onMessage);
          resolve(data);
        };
        ws.on("message", onMessage);
      });
      assert.deepEqual((await frame).subarray(0, 2), Buffer.from([0xff, 0xd8]), "a JPEG frame");
      ws.send(JSON.stringify({ type: "input", input: { type: "click", x: "left", y: 1 } }));
      const bad = await nextTextOf(ws, "input-error");
      assert.match(String(bad.message), /^input\.x: /);
      ws.send(JSON.stringify({ type: "teleport" }));
      assert.match(String((await nextTextOf(ws, "input-error")).message), /^type: /);
      ws.send(Buffer.from([1, 2, 3]));
      assert.match(String((await nextTextOf(ws, "input-error")).message), /binary/);
      ws.send(JSON.stringify({ type: "ping" }));
      assert.equal((await nextTextOf(ws, "pong")).type, "pong");
    } finally {
      ws.close();
    }
  });
});

/** The next text message of `type`, skipping page events and the join reply. */
async function nextTextOf(ws: WebSocket, type: string): Promise<Record<string, unknown>> {
  for (;;) {
    const message = await nextText(ws);
    if (message.type === type) return message;
  }
}
