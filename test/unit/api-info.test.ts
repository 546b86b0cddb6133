/**
 * /api/info names the capture mode the appliance runs with. The app is the real one, on a real
 * session manager whose browser is never launched: /api/info reads configuration and counts only.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { pino } from "pino";
import { SharedBrowser } from "../../renderer/browser/shared-browser.js";
import { parseConfig } from "../../renderer/config/load.js";
import { Access } from "../../renderer/http/access.js";
import { createApp } from "../../renderer/http/app.js";
import { Metrics } from "../../renderer/metrics.js";
import { KeyedBuckets } from "../../renderer/rate-limit.js";
import { SessionManager } from "../../renderer/sessions/session-manager.js";
import { IceServers } from "../../renderer/webrtc/ice-servers.js";

async function infoCapture(captureYaml: string): Promise<unknown> {
  const config = parseConfig(`kiosks: [{ id: a, title: A, url: http://10.0.0.5/ }]\nturn: { enabled: false }\n${captureYaml}`);
  const log = pino({ level: "silent" });
  const browser = new SharedBrowser({ ...config.chromium, proxyPort: 1, log });
  const iceServers = new IceServers(config.iceServers, config.turn, null, "127.0.0.1");
  const metrics: Metrics = new Metrics({ sessions: () => 0, viewers: () => 0, browserUp: () => false });
  const sessions = new SessionManager({
    config,
    browser,
    chromium: { ...config.chromium, proxyPort: 1 },
    selfOrigin: "http://127.0.0.1:1",
    iceServers,
    log,
    metrics,
  });
  const access = new Access({ pin: "", adminToken: "", allowedOrigins: [], hosts: [], tokenTtlSeconds: 60, tokenFile: "", log });
  const { app } = createApp({
    config,
    version: "0",
    sessions,
    browser,
    iceServers,
    metrics,
    access,
    mintLimit: new KeyedBuckets(1, 1),
    viewerDir: "",
    pagesDir: "",
    log,
  });
  const handle = app.callback();
  // Koa's handler settles its own errors (its onerror answers the request), so the promise is not ours to await.
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/info`);
    assert.equal(response.status, 200);
    const info = (await response.json()) as { webrtc: { video: { capture: unknown } } };
    return info.webrtc.video.capture;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("/api/info", () => {
  test("names screenshot polling when video.capture is screenshot", async () => {
    assert.equal(await infoCapture("video: { capture: screenshot }"), "screenshot-polling");
  });

  test("names the CDP screencast by default", async () => {
    assert.equal(await infoCapture(""), "cdp-screencast");
  });
});
