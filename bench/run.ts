/**
 * `npm run bench`: starts the real renderer and a real Chromium client on this machine and
 * measures what a tablet user feels, printing a table and writing JSON under bench/results/.
 *
 *   node dist/bench/run.js [--runs R] [--taps N] [--fps-seconds S] [--max-fps F]
 *                          [--jpeg-quality Q] [--chromium-args=--a,--b] [--relay] [--fallback-only] [--docker]
 *   node dist/bench/run.js --link "loss=3%,delay=20ms,jitter=10ms[,reorder]" [--variant NAME=TUNING]…
 *
 * Every system (ours, baseline (a) screenshot polling, baseline (b) JPEG over a WebSocket) runs
 * on the animated page and on a static page (test/fixtures/static.html, which changes only when
 * tapped). --relay adds ours forced through a local coturn (TURN over UDP) on the animated page.
 * Ours also runs on its WebSocket picture path (/ws/jpeg, the fallback without WebRTC);
 * --fallback-only measures just that path, on both pages.
 * --docker adds ours running in its container image (bench/docker.ts) on both pages, beside the
 * native renderer in the same run; the ratio rows then read container ÷ native.
 * --link runs ours and baseline (a) through an impaired link instead (bench/link/link-bench.ts).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchClient } from "../test/support/client-browser.js";
import { FixtureServer } from "../test/support/fixture-server.js";
import { REPO_ROOT } from "../test/support/paths.js";
import { startRenderer } from "../test/support/renderer-process.js";
import { startTestTurn, type TestTurn, turnSection } from "../test/support/turn.js";
import type { WebRtcRunOptions } from "../test/support/webrtc-client.js";
import { closeSession } from "../test/support/stream-client.js";
import { runCanvasClient } from "./baselines/jpeg-websocket-client.js";
import { runFallbackClient } from "./fallback-client.js";
import { ownCpuGroup } from "./cpu-group.js";
import { type ContainerRenderer, startContainerRenderer } from "./docker.js";
import { runCaptureBench } from "./capture/capture-bench.js";
import { type ConcurrencyStep, measureConcurrency, sessionsHeld } from "./concurrency.js";
import { runLinkBench } from "./link/link-bench.js";
import { cpuDuring, treeUsage } from "./process-usage.js";
import { benchRendererConfig } from "./renderer-config.js";
import { measureStaticSettled, type StaticSettled } from "./static-settled.js";
import { deliveredShare, type Run, runWebRtcOnce } from "./webrtc-run.js";
import { arg, listArg, machine as describeMachine, timestamp, writeResults } from "./report.js";
import { median, percentile, round } from "./stats.js";

const TAPS = arg("taps", 30);
const FPS_SECONDS = arg("fps-seconds", 10);
const RUNS = arg("runs", 3);
const MAX_FPS = arg("max-fps", 30);
const MAX_CONCURRENT = arg("max-concurrent", 6);
const BASELINES = !process.argv.includes("--no-baselines");
const JPEG_QUALITY = arg("jpeg-quality", 80);
const RELAY = process.argv.includes("--relay");
const FALLBACK_ONLY = process.argv.includes("--fallback-only");
const DOCKER = process.argv.includes("--docker");
const CHROMIUM_ARGS = listArg("chromium-args");
const VIEWPORT = { width: 1280, height: 720 };

interface Scenario {
  name: string;
  options: Partial<WebRtcRunOptions>;
}

async function runScenario(
  client: Browser,
  rendererUrl: string,
  rendererPid: number,
  scenario: Scenario,
  runCount = RUNS,
  warmUp = true,
): Promise<Run[]> {
  const base: WebRtcRunOptions = {
    kiosk: "animated",
    ...VIEWPORT,
    fpsSeconds: FPS_SECONDS,
    taps: TAPS,
    marker: { x: 80, y: 80 },
    tapAt: { x: 640, y: 360 },
  };
  const once = (options: WebRtcRunOptions) => runWebRtcOnce(client, rendererUrl, rendererPid, options);
  // A warm-up call so first-use costs (codec init, a fresh renderer process) are not counted.
  if (warmUp) await once({ ...base, ...scenario.options, fpsSeconds: 1, taps: 1 });
  const runs: Run[] = [];
  for (let i = 0; i < runCount; i++) {
    const result = await once({ ...base, ...scenario.options });
    runs.push(result);
    process.stderr.write(
      `${scenario.name} run ${i + 1}/${runCount}: ${round(result.fps)} fps, first frame ${round(result.joinToFirstFrameMs)} ms, ` +
        `tap p50 ${round(median(result.tapLatenciesMs))} ms, path ${result.localCandidate.type}\n`,
    );
  }
  return runs;
}

function summarize(name: string, runs: Run[]) {
  const taps = runs.flatMap((r) => r.tapLatenciesMs);
  return {
    scenario: name,
    runs: runs.length,
    path: [
      ...new Set(runs.map((r) => `${r.localCandidate.type}${r.localCandidate.relayProtocol ? `/${r.localCandidate.relayProtocol}` : ""}`)),
    ].join(","),
    fps: { median: round(median(runs.map((r) => r.fps))), perRun: runs.map((r) => round(r.fps)) },
    frameSize: `${runs[0]?.frameWidth}x${runs[0]?.frameHeight}`,
    joinToFirstFrameMs: {
      median: round(median(runs.map((r) => r.joinToFirstFrameMs))),
      perRun: runs.map((r) => round(r.joinToFirstFrameMs)),
    },
    tapToVisibleMs: {
      taps: taps.length,
      missed: runs.reduce((n, r) => n + r.missedTaps, 0),
      p50: round(percentile(taps, 50)),
      p95: round(percentile(taps, 95)),
    },
    kbitPerSecond: round(median(runs.map((r) => (r.bytesReceived * 8) / 1000 / r.seconds))),
    clientJitterBufferMs: round(median(runs.map((r) => r.client.avgJitterBufferMs ?? NaN))),
    rendererCpuPercent: round(median(runs.map((r) => r.rendererCpuPercent))),
    deliveredPercent: round(median(runs.map((r) => deliveredShare(r) * 100))),
  };
}

/** Baseline (b): screencast JPEGs over a WebSocket to a canvas, in a server process of its own. */
async function runJpegWebSocketBaseline(client: Browser, pageUrl: string): Promise<Run[]> {
  const server = spawn(process.execPath, [join(REPO_ROOT, "dist", "bench", "baselines", "jpeg-websocket-server.js"), pageUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    server.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  const runs: Run[] = [];
  try {
    const once = async (fpsSeconds: number, taps: number) => {
      const page = await client.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      const { result, cpuPercent } = await cpuDuring(server.pid!, () =>
        page.evaluate(runCanvasClient, { fpsSeconds, taps, marker: { x: 80, y: 80 }, tapAt: { x: 640, y: 360 } }),
      );
      await page.close();
      return { result, cpuPercent };
    };
    await once(1, 1);
    for (let i = 0; i < RUNS; i++) {
      const { result, cpuPercent } = await once(FPS_SECONDS, TAPS);
      process.stderr.write(
        `JPEG/WebSocket run ${i + 1}/${RUNS}: ${round(result.fps)} fps, tap p50 ${round(median(result.tapLatenciesMs))} ms\n`,
      );
      runs.push({
        sessionId: "",
        createMs: 0,
        joinToFirstFrameMs: result.openToFirstFrameMs,
        fps: result.fps,
        frameWidth: VIEWPORT.width,
        frameHeight: VIEWPORT.height,
        tapLatenciesMs: result.tapLatenciesMs,
        missedTaps: result.missedTaps,
        bytesReceived: (result.kbitPerSecond * 1000) / 8,
        seconds: 1,
        client: {},
        server: {},
        freezes: { count: NaN, longestMs: NaN, totalMs: NaN },
        answerCodecs: [],
        localCandidate: { type: "websocket" },
        rendererCpuPercent: cpuPercent,
      });
    }
  } finally {
    server.kill("SIGTERM");
  }
  return runs;
}

/** Ours on the WebSocket picture path: JPEG frames over /ws/jpeg, acknowledged, input on the same socket. */
async function runFallbackScenario(client: Browser, rendererUrl: string, rendererPid: number, kiosk: string): Promise<Run[]> {
  const once = async (fpsSeconds: number, taps: number) => {
    const page = await client.newPage();
    await page.goto(`${rendererUrl}/health`);
    const { result, cpuPercent } = await cpuDuring(rendererPid, () =>
      page.evaluate(runFallbackClient, { kiosk, ...VIEWPORT, fpsSeconds, taps, marker: { x: 80, y: 80 }, tapAt: { x: 640, y: 360 } }),
    );
    await page.close();
    await closeSession(rendererUrl, result.sessionId);
    return { result, cpuPercent };
  };
  await once(1, 1);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { result, cpuPercent } = await once(FPS_SECONDS, TAPS);
    process.stderr.write(
      `fallback · ${kiosk} run ${i + 1}/${RUNS}: ${round(result.fps)} fps, tap p50 ${round(median(result.tapLatenciesMs))} ms\n`,
    );
    runs.push({
      ...result,
      createMs: 0,
      client: {},
      server: {},
      localCandidate: { type: "websocket" },
      // The picture path's client does not time presented frames: no freeze figures for it.
      freezes: { count: Number.NaN, longestMs: Number.NaN, totalMs: Number.NaN },
      answerCodecs: [],
      rendererCpuPercent: cpuPercent,
    });
  }
  return runs;
}

async function main(): Promise<void> {
  const fixtures = new FixtureServer();
  await fixtures.start();
  let turn: TestTurn | null = null;
  if (RELAY) turn = await startTestTurn();
  const rendererConfig = (capture: "screencast" | "screenshot", withTurn: boolean, port = 0) =>
    benchRendererConfig({
      fixturesOrigin: fixtures.origin,
      capture,
      viewport: VIEWPORT,
      maxFps: MAX_FPS,
      jpegQuality: JPEG_QUALITY,
      chromiumArgs: CHROMIUM_ARGS,
      turnSection: turn && withTurn ? turnSection(turn) : undefined,
      port,
    });
  const renderer = await startRenderer(rendererConfig("screencast", true), { LOG_LEVEL: "warn" });
  let container: ContainerRenderer | null = null;
  if (DOCKER) {
    container = await startContainerRenderer((port) => rendererConfig("screencast", false, port));
    process.stderr.write(`container: ${container.chromiumVersion}; native: see \`chromium --version\`\n`);
  }
  const nativeGroup = DOCKER
    ? ownCpuGroup(`jiomosa-bench-native-${process.pid}`, renderer.child.pid!, (line) => process.stderr.write(`${line}\n`))
    : null;
  const client = await launchClient();
  const scenarios: Scenario[] = [
    { name: "ours · animated", options: {} },
    { name: "ours · static", options: { kiosk: "static" } },
  ];
  if (turn) scenarios.push({ name: "ours, relay · animated", options: { iceTransportPolicy: "relay", turnTransport: "udp" } });
  const results: { name: string; runs: Run[] }[] = [];
  const rendererPid = renderer.child.pid!;
  let staticPage: StaticSettled | null = null;
  const concurrency: ConcurrencyStep[] = [];
  let idlePssMiB = 0;
  try {
    if (!FALLBACK_ONLY) {
      for (const scenario of scenarios) {
        if (!container || scenario.options.iceTransportPolicy) {
          results.push({ name: scenario.name, runs: await runScenario(client, renderer.url, rendererPid, scenario) });
          continue;
        }
        // Native and container take turns, run by run, so a change in the machine's load hits both alike.
        const inContainer = { ...scenario, name: scenario.name.replace("ours", "container") };
        const native: Run[] = await runScenario(client, renderer.url, rendererPid, scenario, 0);
        const contained: Run[] = await runScenario(client, container.url, container.pid, inContainer, 0);
        for (let i = 0; i < RUNS; i++) {
          native.push(...(await runScenario(client, renderer.url, rendererPid, scenario, 1, false)));
          contained.push(...(await runScenario(client, container.url, container.pid, inContainer, 1, false)));
        }
        results.push({ name: scenario.name, runs: native }, { name: inContainer.name, runs: contained });
      }
    }
    if (!DOCKER) {
      for (const kiosk of ["animated", "static"] as const) {
        results.push({ name: `ours, WS fallback · ${kiosk}`, runs: await runFallbackScenario(client, renderer.url, rendererPid, kiosk) });
      }
    }
    if (!FALLBACK_ONLY) staticPage = await measureStaticSettled(client, renderer.url, rendererPid);
    if (BASELINES && !FALLBACK_ONLY && !DOCKER) {
      // Baseline (a): the original design's capture, screenshot polling, into the same WebRTC path.
      const polling = await startRenderer(rendererConfig("screenshot", false), { LOG_LEVEL: "warn" });
      try {
        for (const [page, kiosk] of [
          ["animated", "animated"],
          ["static", "static"],
        ] as const) {
          const name = `(a) polling · ${page}`;
          results.push({ name, runs: await runScenario(client, polling.url, polling.child.pid!, { name, options: { kiosk } }) });
        }
      } finally {
        await polling.stop();
      }
      for (const page of ["animated", "static"] as const) {
        results.push({ name: `(b) JPEG/WS · ${page}`, runs: await runJpegWebSocketBaseline(client, `${fixtures.origin}/${page}.html`) });
      }
    }
    idlePssMiB = treeUsage(rendererPid).pssMiB;
    if (!FALLBACK_ONLY && !DOCKER) concurrency.push(...(await measureConcurrency(client, renderer.url, rendererPid, MAX_CONCURRENT)));
  } finally {
    await client.close();
    nativeGroup?.close();
    await renderer.stop();
    await container?.stop();
    await turn?.server.close();
    await fixtures.stop();
  }

  const machine = describeMachine();
  const summaries = results.map((r) => summarize(r.name, r.runs));
  // Ratios against ours over WebRTC on the same page (the fallback alone, with --fallback-only).
  const oursOn = (scenario: string) => {
    const page = scenario.endsWith("static") ? "static" : "animated";
    return (summaries.find((s) => s.scenario === `ours · ${page}`) ?? summaries.find((s) => s.scenario === `ours, WS fallback · ${page}`))!;
  };
  const rows: [string, ...string[]][] = [
    ["metric", ...summaries.map((s) => s.scenario)],
    ["path (local candidate)", ...summaries.map((s) => s.path)],
    ["client-decoded fps, median (runs)", ...summaries.map((s) => `${s.fps.median} (${s.fps.perRun.join(", ")})`)],
    ["decoded frame size", ...summaries.map((s) => s.frameSize)],
    [
      "join → first frame ms, median (runs)",
      ...summaries.map((s) => `${s.joinToFirstFrameMs.median} (${s.joinToFirstFrameMs.perRun.join(", ")})`),
    ],
    [
      "tap → visible change ms",
      ...summaries.map(
        (s) =>
          `p50 ${s.tapToVisibleMs.p50}, p95 ${s.tapToVisibleMs.p95} (${s.tapToVisibleMs.taps} taps, ${s.tapToVisibleMs.missed} missed)`,
      ),
    ],
    ["video kbit/s, median", ...summaries.map((s) => String(s.kbitPerSecond))],
    ["client jitter buffer ms, median", ...summaries.map((s) => String(s.clientJitterBufferMs))],
    ["renderer + Chromium CPU %, median", ...summaries.map((s) => String(s.rendererCpuPercent))],
    ["decoded ÷ Chromium's frames %", ...summaries.map((s) => (Number.isFinite(s.deliveredPercent) ? String(s.deliveredPercent) : "–"))],
    // Ratios against ours on the same page.
    ["ours ÷ this: fps", ...summaries.map((s) => `${round(oursOn(s.scenario).fps.median / s.fps.median, 2)}×`)],
    ["this ÷ ours: tap p50", ...summaries.map((s) => `${round(s.tapToVisibleMs.p50 / oursOn(s.scenario).tapToVisibleMs.p50, 2)}×`)],
    ["this ÷ ours: CPU", ...summaries.map((s) => `${round(s.rendererCpuPercent / oursOn(s.scenario).rendererCpuPercent, 2)}×`)],
    ["this ÷ ours: bits on the wire", ...summaries.map((s) => `${round(s.kbitPerSecond / oursOn(s.scenario).kbitPerSecond, 2)}×`)],
  ];
  const perSession = concurrency.map((c) => (c.pssMiB - idlePssMiB) / c.sessions);
  const extra = [
    `static page, settled: renderer + Chromium CPU ${staticPage?.cpuPercent} %, video ${staticPage?.kbitPerSecond} kbit/s`,
    `concurrent animated sessions holding ≥ 20 fps each: ${sessionsHeld(concurrency)} ` +
      `(per count: ${concurrency.map((c) => `${c.sessions}→[${c.fps.map((f) => round(f)).join(",")}]`).join(" ")})`,
    `memory per animated session (renderer + Chromium PSS): ${round(median(perSession))} MiB (idle tree ${idlePssMiB} MiB)`,
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  process.stdout.write(
    `\nJiomosa bench — animated ${VIEWPORT.width}x${VIEWPORT.height}, maxFps ${MAX_FPS}, ${machine.cpus} cores ${machine.model}, Node ${machine.node}\n`,
  );
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join("  ")}\n`);
  for (const line of extra) process.stdout.write(`${line}\n`);
  const file = writeResults(`bench-${timestamp()}.json`, {
    machine,
    settings: { maxFps: MAX_FPS, jpegQuality: JPEG_QUALITY, chromiumArgs: CHROMIUM_ARGS, taps: TAPS, fpsSeconds: FPS_SECONDS },
    summaries,
    staticPage,
    concurrency,
    idlePssMiB,
    results,
  });
  process.stdout.write(`\nwritten: ${file}\n`);
}

const linkAt = process.argv.indexOf("--link");
const captureAt = process.argv.indexOf("--capture");
(linkAt >= 0
  ? runLinkBench(process.argv[linkAt + 1] ?? "")
  : captureAt >= 0
    ? runCaptureBench(process.argv[captureAt + 1] ?? "")
    : main()
).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
