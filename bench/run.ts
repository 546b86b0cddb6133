/**
 * `npm run bench`: starts the real renderer and a real Chromium client on this machine and
 * measures what a tablet user feels, printing a table and writing JSON under bench/results/.
 *
 *   node dist/bench/run.js [--taps N] [--fps-seconds S] [--runs R]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { launchClient } from "../test/support/client-browser.js";
import { FixtureServer } from "../test/support/fixture-server.js";
import { REPO_ROOT } from "../test/support/paths.js";
import { startRenderer } from "../test/support/renderer-process.js";
import { median, percentile, round } from "./stats.js";
import { runWebRtcClient, type WebRtcRunResult } from "../test/support/webrtc-client.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TAPS = arg("taps", 30);
const FPS_SECONDS = arg("fps-seconds", 10);
const RUNS = arg("runs", 3);
const MAX_FPS = arg("max-fps", 30);
const JPEG_QUALITY = arg("jpeg-quality", 80);
const CHROMIUM_ARGS = (process.argv.find((a) => a.startsWith("--chromium-args="))?.slice("--chromium-args=".length) ?? "").split(",").filter(Boolean);
const VIEWPORT = { width: 1280, height: 720 };

async function main(): Promise<void> {
  const fixtures = new FixtureServer();
  await fixtures.start();
  const renderer = await startRenderer(
    `
listen: { host: 127.0.0.1, port: 0 }
kiosks:
  - { id: animated, title: Animated, url: "${fixtures.origin}/animated.html" }
viewport: { width: ${VIEWPORT.width}, height: ${VIEWPORT.height} }
video: { maxFps: ${MAX_FPS}, maxBitrateKbps: 2500, jpegQuality: ${JPEG_QUALITY} }
sessions: { max: 8, idleTimeoutSeconds: 60 }
turn: { enabled: false }
chromium: { args: ${JSON.stringify(CHROMIUM_ARGS)} }
`,
    { LOG_LEVEL: "warn", ...(process.env.BENCH_TRACE ? {} : {}) },
  );
  const client = await launchClient();
  const runs: WebRtcRunResult[] = [];
  try {
    // A warm-up session so Chromium's first-use costs are not counted as join time.
    const warm = await client.newPage();
    await warm.goto(`${renderer.url}/health`);
    const warmRun = await warm.evaluate(runWebRtcClient, { kiosk: "animated", ...VIEWPORT, fpsSeconds: 1, taps: 1, marker: { x: 80, y: 80 }, tapAt: { x: 640, y: 360 } });
    await warm.close();
    await fetch(`${renderer.url}/api/session/${warmRun.sessionId}`, { method: "DELETE" });
    for (let i = 0; i < RUNS; i++) {
      const page = await client.newPage();
      await page.goto(`${renderer.url}/health`);
      const result = await page.evaluate(runWebRtcClient, {
        kiosk: "animated",
        ...VIEWPORT,
        fpsSeconds: FPS_SECONDS,
        taps: TAPS,
        marker: { x: 80, y: 80 },
        tapAt: { x: 640, y: 360 },
      });
      runs.push(result);
      await page.close();
      await fetch(`${renderer.url}/api/session/${result.sessionId}`, { method: "DELETE" });
      process.stderr.write(`run ${i + 1}/${RUNS}: ${round(result.fps)} fps, first frame ${round(result.joinToFirstFrameMs)} ms, tap p50 ${round(median(result.tapLatenciesMs))} ms\n`);
    }
  } finally {
    await client.close();
    await renderer.stop();
    await fixtures.stop();
  }

  const taps = runs.flatMap((r) => r.tapLatenciesMs);
  const summary = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    page: "animated 1280x720 (canvas redrawn every frame)",
    settings: { maxFps: MAX_FPS, jpegQuality: JPEG_QUALITY, chromiumArgs: CHROMIUM_ARGS },
    runs: runs.length,
    fps: { median: round(median(runs.map((r) => r.fps))), perRun: runs.map((r) => round(r.fps)) },
    frameSize: `${runs[0]?.frameWidth}x${runs[0]?.frameHeight}`,
    joinToFirstFrameMs: { median: round(median(runs.map((r) => r.joinToFirstFrameMs))), perRun: runs.map((r) => round(r.joinToFirstFrameMs)) },
    tapToVisibleMs: { taps: taps.length, missed: runs.reduce((n, r) => n + r.missedTaps, 0), p50: round(percentile(taps, 50)), p95: round(percentile(taps, 95)) },
    kbitPerSecond: { median: round(median(runs.map((r) => (r.bytesReceived * 8) / 1000 / r.seconds))) },
  };
  const table = [
    ["metric", "value"],
    ["client-decoded fps (median of runs)", `${summary.fps.median} (${summary.fps.perRun.join(", ")})`],
    ["decoded frame size", summary.frameSize],
    ["join → first decoded frame, ms (median)", `${summary.joinToFirstFrameMs.median} (${summary.joinToFirstFrameMs.perRun.join(", ")})`],
    [`tap → visible change, ms (${summary.tapToVisibleMs.taps} taps)`, `p50 ${summary.tapToVisibleMs.p50}, p95 ${summary.tapToVisibleMs.p95}, missed ${summary.tapToVisibleMs.missed}`],
    ["video on the wire, kbit/s (median)", String(summary.kbitPerSecond.median)],
  ];
  const width = Math.max(...table.map((r) => r[0]!.length));
  process.stdout.write(`\nJiomosa bench — ${summary.machine.cpus} cores, ${summary.machine.model}, Node ${summary.machine.node}\n`);
  for (const [k, v] of table) process.stdout.write(`${k!.padEnd(width)}  ${v}\n`);
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ summary, runs }, null, 2));
  process.stdout.write(`\nwritten: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
