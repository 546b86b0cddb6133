/**
 * Baseline (b) for the bench: the original design's earlier architecture, and how several
 * live-view products work — CDP screencast JPEG frames pushed over a WebSocket to a <canvas>,
 * clicks sent back over the same socket. The same Chromium, page and capture settings as ours; no
 * WebRTC. Run as its own process so its CPU can be measured:
 *
 *   node dist/bench/baselines/jpeg-websocket-server.js <page-url>   → prints "listening <port>"
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "playwright-core";
import { WebSocketServer, type WebSocket } from "ws";

const pageUrl = process.argv[2];
if (!pageUrl) throw new Error("usage: jpeg-websocket-server <page-url>");

const CLIENT_PAGE = `<!doctype html><html><body style="margin:0;background:#000"><canvas id="c" width="1280" height="720"></canvas></body></html>`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
const page = await context.newPage();
await page.goto(pageUrl);
const cdp = await context.newCDPSession(page);
const clients = new Set<WebSocket>();

cdp.on("Page.screencastFrame", (event: { data: string; sessionId: number }) => {
  void cdp.send("Page.screencastFrameAck", { sessionId: event.sessionId }).catch(() => {});
  const jpeg = Buffer.from(event.data, "base64");
  // Newest frame only: a client still receiving the previous frame skips this one.
  for (const ws of clients) if (ws.bufferedAmount === 0) ws.send(jpeg, { binary: true });
});
await cdp.send("Page.startScreencast", { format: "jpeg", quality: 80, maxWidth: 1280, maxHeight: 720, everyNthFrame: 1 });

const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(CLIENT_PAGE));
const wss = new WebSocketServer({ server });
wss.on("connection", (ws) => {
  clients.add(ws);
  ws.on("close", () => clients.delete(ws));
  ws.on("message", (data) => {
    const m = JSON.parse(data.toString()) as { type: string; x: number; y: number };
    if (m.type !== "click") return;
    for (const type of ["mousePressed", "mouseReleased"] as const) {
      void cdp.send("Input.dispatchMouseEvent", { type, x: m.x, y: m.y, button: "left", clickCount: 1 }).catch(() => {});
    }
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => {
  void browser.close().finally(() => process.exit(0));
});
