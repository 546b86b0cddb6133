/**
 * `docker compose up -d` on a clean copy of the repository with no .env, as a new user runs it:
 * build, up, healthy; the TURN secret generated into the state volume and nowhere else; then,
 * through the containers and a real Chromium as the tablet: the launcher, a tap on a shortcut
 * that brings decoded frames, a tap that changes the page, typing, a relay-only call through the
 * coturn container, the diagnostics page all green, the first frame with coturn stopped; the
 * renderer killed inside its container and healthy again; `down -v` leaving nothing behind.
 */
import assert from "node:assert/strict";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, ElementHandle, Page } from "playwright-core";
import { launchClient } from "../support/client-browser.js";
import { FixtureServer } from "../support/fixture-server.js";
import { installProbe, isGreen, waitForFrames, waitForPixel } from "../support/video-probe.js";
import { pageToClient } from "../support/viewer-page.js";
import { pollUntil } from "../support/wait.js";
import { runWebRtcClient } from "../support/webrtc-client.js";
import { run } from "./shell.js";
import { cleanCopy, ComposeStack } from "./stack.js";

const DEFAULT_PORT = 8000;
const BUILD_TIMEOUT_MS = 20 * 60_000;
const HEALTHY_TIMEOUT_MS = 120_000;
/** The promise: a renderer killed inside its container is healthy again within this. */
const RESTART_HEALTHY_MS = 15_000;
/** With coturn stopped, join → first frame must not wait for TURN (it used to take 1.6–1.8 s). */
const FIRST_FRAME_WITHOUT_TURN_MS = 1_000;

let stack: ComposeStack;
let port = DEFAULT_PORT;
let url: string;
let fixtures: FixtureServer;
let client: Browser;
let page: Page;

async function portFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(p, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const { port: p } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return p;
}

before(async () => {
  // The stack uses the host's network: the default port unless something on this box holds it.
  if (!(await portFree(DEFAULT_PORT))) port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const dir = await cleanCopy();
  stack = new ComposeStack(
    dir,
    (process.env.JIOMOSA_COMPOSE ?? "docker compose").split(" "),
    port === DEFAULT_PORT ? {} : { PORT: String(port) },
  );
  fixtures = new FixtureServer();
  await fixtures.start();
  client = await launchClient();
});

after(async () => {
  await client?.close();
  await fixtures?.stop();
  if (stack) {
    await stack.compose(["down", "-v", "--remove-orphans"], { allowFailure: true });
    rmSync(stack.dir, { recursive: true, force: true });
  }
});

test("a fresh checkout with no .env builds and comes up healthy", async (t) => {
  const started = Date.now();
  await stack.compose(["build"], { timeoutMs: BUILD_TIMEOUT_MS });
  const built = Date.now();
  await stack.compose(["up", "-d"]);
  await stack.waitHealthy(["renderer", "turn"], HEALTHY_TIMEOUT_MS);
  t.diagnostic(`build ${((built - started) / 1000).toFixed(0)} s, up → both healthy ${((Date.now() - built) / 1000).toFixed(1)} s`);
  const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
  assert.equal(health.status, "healthy");
});

test("the start-up log names the box's LAN URL and draws it as a QR code", async () => {
  const logs = await stack.logs("renderer");
  const banner = /Jiomosa \S+ is up: open (http:\/\/([\d.]+):(\d+)\/) on a tablet/.exec(logs);
  assert.ok(banner, `no start-up banner in the renderer's log:\n${logs.slice(-2000)}`);
  assert.equal(Number(banner[3]), port);
  assert.notEqual(banner[2], "127.0.0.1", "the banner names a LAN address, not loopback");
  assert.doesNotMatch(logs, /this box's address/);
  assert.ok(logs.split("\n").filter((line) => /[█▀▄]{4}/.test(line)).length >= 12, "a QR code follows the URL");
});

test("the TURN secret is generated into the state volume, shared with coturn, and in no log, image or command line", async () => {
  const secret = (await run("docker", ["exec", await stack.containerId("renderer"), "cat", "/var/lib/jiomosa/turn-secret"])).stdout.trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  const mode = (
    await run("docker", ["exec", await stack.containerId("renderer"), "stat", "-c", "%a %u", "/var/lib/jiomosa/turn-secret"])
  ).stdout.trim();
  assert.equal(mode, "600 1000");
  const turnConf = (await run("docker", ["exec", await stack.containerId("turn"), "cat", "/var/lib/coturn/turnserver.conf"])).stdout;
  assert.ok(turnConf.includes(`static-auth-secret=${secret}`), "coturn runs with the renderer's secret");
  for (const service of ["renderer", "turn"]) {
    assert.ok(!(await stack.logs(service)).includes(secret), `${service}'s log shows the secret`);
    const config = await stack.inspect(service, "{{json .Config}} {{json .Args}} {{json .Path}}");
    assert.ok(!config.includes(secret), `docker inspect ${service} shows the secret`);
    const top = (await run("docker", ["top", await stack.containerId(service), "-o", "pid,args"])).stdout;
    assert.ok(!top.includes(secret), `${service}'s command line shows the secret`);
  }
  const image = await stack.inspect("renderer", "{{.Image}}");
  const inImage = await run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", "ls -A /var/lib/jiomosa"]);
  assert.equal(inImage.stdout.trim(), "", "the image's state folder is empty: the secret is no image layer");
});

test("the shipped launcher answers through the container", async () => {
  page = await client.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}/`);
  await page.locator("a.tile").first().waitFor({ timeout: 20_000 });
  assert.ok((await page.locator("a.tile").count()) >= 1);
});

test("after a config edit and a restart: launcher tap → decoded frames, a tap that changes the page, typing", async () => {
  // The documented way to change kiosks: edit config/, restart. The test's kiosks report what the page sees.
  writeFileSync(
    join(stack.dir, "config", "kiosk.yaml"),
    `name: Jiomosa Docker Test
listen: { host: 0.0.0.0, port: ${port} }
kiosks:
  - { id: test-page, title: Test Page, url: "${fixtures.origin}/test-page.html" }
  - { id: animated, title: Animated, url: "${fixtures.origin}/animated.html" }
turn: { enabled: true, spawn: never }
`,
  );
  // This machine has no LAN peer to relay to: let coturn relay to loopback, as test/support/turn.ts does.
  appendFileSync(join(stack.dir, "turn", "turnserver.conf"), "\nallowed-peer-ip=127.0.0.1\n");
  await stack.compose(["restart"]);
  await stack.waitHealthy(["renderer", "turn"], HEALTHY_TIMEOUT_MS);

  await page.goto(`${url}/`);
  await page.locator('a.tile[data-kiosk="test-page"]').click();
  await page.waitForURL(/\/viewer\?kiosk=test-page/);
  const video = await page.locator("video").elementHandle({ timeout: 20_000 });
  await installProbe(page, video as ElementHandle<HTMLVideoElement>);
  const state = await waitForFrames(page, 3);
  assert.equal(state.width, 1280, "frames decoded at the viewer's width");

  const tap = await pageToClient(page, 640, 120);
  await page.mouse.click(tap.x, tap.y);
  await fixtures.waitFor((r) => r.event === "click", 15_000, "the tap in the remote page");
  await waitForPixel(page, 640, 120, isGreen, "the tap zone turned green");

  const field = await pageToClient(page, 300, 330);
  await page.mouse.click(field.x, field.y);
  await page.keyboard.type("docker 7");
  await fixtures.waitFor((r) => r.event === "input" && r.value === "docker 7", 15_000, "the typed text");
  await page.locator("button.home").click();
  await page.waitForURL(`${url}/`);
});

test("a relay-only call through the coturn container: frames decode and taps reach the page", async () => {
  const call = await client.newPage();
  await call.goto(`${url}/health`);
  const result = await call.evaluate(runWebRtcClient, {
    kiosk: "animated",
    width: 640,
    height: 360,
    fpsSeconds: 2,
    taps: 3,
    marker: { x: 80, y: 80 },
    tapAt: { x: 320, y: 180 },
    iceTransportPolicy: "relay" as const,
    turnTransport: "udp" as const,
  });
  await call.close();
  await fetch(`${url}/api/session/${result.sessionId}`, { method: "DELETE" });
  assert.equal(result.localCandidate.type, "relay");
  assert.equal(result.frameWidth, 640);
  assert.ok(result.fps > 1, `${result.fps.toFixed(1)} fps`);
  assert.equal(result.missedTaps, 0);
});

test("the diagnostics page passes every check through the containers", async () => {
  await page.goto(`${url}/diagnostics`);
  await page.locator("[data-done]").waitFor({ timeout: 60_000 });
  const results = await page
    .locator("li.check")
    .evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-check")}=${r.getAttribute("data-result")}`));
  assert.ok(results.length >= 5, `checks: ${results.join(", ")}`);
  assert.deepEqual(
    results.filter((r) => !r.endsWith("=pass")),
    [],
    `every check passes: ${results.join(", ")}`,
  );
});

test("with coturn stopped the first frame does not wait for TURN", async (t) => {
  await stack.compose(["stop", "turn"]);
  try {
    const call = await client.newPage();
    await call.goto(`${url}/health`);
    const result = await call.evaluate(runWebRtcClient, {
      kiosk: "animated",
      width: 640,
      height: 360,
      fpsSeconds: 1,
      taps: 0,
      marker: { x: 80, y: 80 },
      tapAt: { x: 320, y: 180 },
    });
    await call.close();
    await fetch(`${url}/api/session/${result.sessionId}`, { method: "DELETE" });
    t.diagnostic(`coturn stopped: join → first frame ${result.joinToFirstFrameMs.toFixed(0)} ms`);
    assert.ok(result.joinToFirstFrameMs < FIRST_FRAME_WITHOUT_TURN_MS, `join → first frame ${result.joinToFirstFrameMs.toFixed(0)} ms`);
  } finally {
    await stack.compose(["start", "turn"]);
  }
});

test("the renderer killed inside its container is healthy again within 15 s (restart: unless-stopped)", async (t) => {
  const id = await stack.containerId("renderer");
  const restarts = Number(await stack.inspect("renderer", "{{.RestartCount}}"));
  const killedAt = Date.now();
  // dumb-init is PID 1; node is its child. Kill node the way a crash would.
  await run("docker", [
    "exec",
    id,
    "sh",
    "-c",
    'for s in /proc/[0-9]*/stat; do read -r pid comm state ppid rest < "$s"; [ "$ppid" = 1 ] && [ "$comm" = "(node)" ] && kill -KILL "$pid"; done; true',
  ]);
  assert.ok(
    await pollUntil(async () => Number(await stack.inspect("renderer", "{{.RestartCount}}")) > restarts, RESTART_HEALTHY_MS, 100),
    "the container was restarted",
  );
  await stack.waitHealthy(["renderer"], RESTART_HEALTHY_MS - (Date.now() - killedAt));
  const seconds = (Date.now() - killedAt) / 1000;
  t.diagnostic(`killed → healthy again in ${seconds.toFixed(1)} s`);
  assert.ok(seconds <= RESTART_HEALTHY_MS / 1000);
  const secretAfter = (await run("docker", ["exec", id, "cat", "/var/lib/jiomosa/turn-secret"])).stdout.trim();
  assert.match(secretAfter, /^[0-9a-f]{64}$/, "the secret survived the restart");
});

test("down and up again keep the TURN secret (the state volume outlives the containers)", async () => {
  const read = async () =>
    (await run("docker", ["exec", await stack.containerId("renderer"), "cat", "/var/lib/jiomosa/turn-secret"])).stdout.trim();
  const before = await read();
  await stack.compose(["down"]);
  await stack.compose(["up", "-d"]);
  await stack.waitHealthy(["renderer", "turn"], HEALTHY_TIMEOUT_MS);
  assert.equal(await read(), before);
  const turnConf = (await run("docker", ["exec", await stack.containerId("turn"), "cat", "/var/lib/coturn/turnserver.conf"])).stdout;
  assert.ok(turnConf.includes(`static-auth-secret=${before}`), "coturn got the kept secret too");
});

test("down -v leaves no container, volume or network behind", async () => {
  await stack.compose(["down", "-v", "--remove-orphans"]);
  assert.deepEqual(await stack.leftovers(), []);
});
