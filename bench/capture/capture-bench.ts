/**
 * `npm run bench -- --capture all` (or a list: `--capture beginframe,screencast`): every capture
 * mode, each in a renderer process of its own with `video.capture: <mode>`, on every page in one
 * run. Runs are interleaved (run 1 of every mode, then run 2 …) so that the modes meet the same
 * moments of a shared machine. A mode whose renderer does not start, or whose session fails, is
 * reported in one line and left out; the others go on.
 *
 *   [--runs R] [--taps N] [--fps-seconds S] [--flings F] [--max-concurrent C]
 *   [--settle-seconds S] [--idle-seconds S] [--max-fps F] [--jpeg-quality Q] [--chromium-args=--a,--b]
 */
import type { Browser } from "playwright-core";
import { launchClient } from "../../test/support/client-browser.js";
import { FixtureServer } from "../../test/support/fixture-server.js";
import { type RendererProcess, startRenderer } from "../../test/support/renderer-process.js";
import type { WebRtcRunOptions } from "../../test/support/webrtc-client.js";
import { measureConcurrency } from "../concurrency.js";
import { benchRendererConfig } from "../renderer-config.js";
import { arg, listArg, machine as describeMachine, timestamp, writeResults } from "../report.js";
import { measureStaticSettled } from "../static-settled.js";
import { median, round } from "../stats.js";
import { runWebRtcOnce } from "../webrtc-run.js";
import { modeLabel, parseCaptureList, startFailure } from "./capture-modes.js";
import { type ModeResults, summarizeMode, tableRows, type ModeSummary } from "./capture-table.js";
import { type FlingOptions, runFlingsOnce } from "./fling-run.js";

const VIEWPORT = { width: 1280, height: 720 };
const RUNS = arg("runs", 3);
const TAPS = arg("taps", 30);
const FPS_SECONDS = arg("fps-seconds", 10);
const FLINGS = arg("flings", 6);
const MAX_CONCURRENT = arg("max-concurrent", 3);
const SETTLE_SECONDS = arg("settle-seconds", 4);
const IDLE_SECONDS = arg("idle-seconds", 10);
const MAX_FPS = arg("max-fps", 30);
const JPEG_QUALITY = arg("jpeg-quality", 80);
const CHROMIUM_ARGS = listArg("chromium-args");

/** A fling as a finger does it on a tablet: 360 px up in 150 ms, starting low in the viewport. */
const FLING: Omit<FlingOptions, "flings"> = {
  from: { x: 640, y: 560 },
  distance: 360,
  durationMs: 150,
  // The article's black-and-white row strips (test/fixtures/long-article.html) are 32 px wide at the left.
  column: { x: 16, top: 0, bottom: VIEWPORT.height, step: 8 },
  settleMs: 500,
  maxFlingMs: 5000,
};

interface ModeState extends ModeResults {
  renderer: RendererProcess | null;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function runCaptureBench(list: string): Promise<void> {
  const modes = parseCaptureList(list);
  for (const [name, value] of Object.entries({ RUNS, TAPS, FPS_SECONDS, FLINGS, MAX_CONCURRENT }))
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`--${name.toLowerCase().replace("_", "-")}: expected a whole number ≥ 0, got ${value}`);
  const fixtures = new FixtureServer();
  await fixtures.start();
  const states: ModeState[] = [];
  let client: Browser | null = null;
  try {
    for (const mode of modes) {
      const config = benchRendererConfig({
        fixturesOrigin: fixtures.origin,
        capture: mode,
        viewport: VIEWPORT,
        maxFps: MAX_FPS,
        jpegQuality: JPEG_QUALITY,
        chromiumArgs: CHROMIUM_ARGS,
      });
      const state: ModeState = { mode, renderer: null, animated: [], static: [], flings: [], settled: null, concurrency: [] };
      states.push(state);
      try {
        state.renderer = await startRenderer(config, { LOG_LEVEL: "warn" });
      } catch (err) {
        state.failure = `renderer did not start: ${startFailure(err)}`;
        log(`capture ${mode}: ${state.failure}; this mode is left out of the run`);
      }
    }
    client = await launchClient();
    const live = () => states.filter((s) => s.renderer && !s.failure);
    // Each mode's step runs alone; a failure ends that mode, not the run.
    const step = async (state: ModeState, what: string, work: (renderer: RendererProcess) => Promise<void>) => {
      try {
        await work(state.renderer!);
      } catch (err) {
        state.failure = `${what} failed: ${startFailure(err)}`;
        log(`capture ${state.mode}: ${state.failure}; this mode is left out from here on`);
      }
    };
    const base = (kiosk: string): WebRtcRunOptions => ({
      kiosk,
      ...VIEWPORT,
      fpsSeconds: kiosk === "animated" ? FPS_SECONDS : 0,
      taps: TAPS,
      marker: { x: 80, y: 80 },
      tapAt: { x: 640, y: 360 },
    });

    // Warm-up, so first-use costs (codec init, a fresh renderer's Chromium) are not counted.
    for (const s of live())
      await step(
        s,
        "warm-up",
        async (r) => void (await runWebRtcOnce(client!, r.url, r.child.pid!, { ...base("animated"), fpsSeconds: 1, taps: 1 })),
      );
    for (let i = 0; i < RUNS; i++) {
      for (const kiosk of ["animated", "static"] as const) {
        for (const s of live()) {
          await step(s, `${kiosk} run ${i + 1}`, async (r) => {
            const run = await runWebRtcOnce(client!, r.url, r.child.pid!, base(kiosk));
            s[kiosk].push(run);
            log(
              `${s.mode} · ${kiosk} run ${i + 1}/${RUNS}: ${round(run.fps)} fps, first frame ${round(run.joinToFirstFrameMs)} ms, ` +
                `tap p50 ${round(median(run.tapLatenciesMs))} ms, CPU ${run.rendererCpuPercent} %`,
            );
          });
        }
      }
    }
    if (FLINGS > 0) {
      for (let i = 0; i < RUNS; i++) {
        for (const s of live()) {
          await step(s, `fling run ${i + 1}`, async (r) => {
            const run = await runFlingsOnce(client!, r.url, r.child.pid!, VIEWPORT, { ...FLING, flings: FLINGS });
            s.flings.push(run);
            const moved = run.flings.flatMap((f) => (f.firstMovedMs === null ? [] : [f.firstMovedMs]));
            log(
              `${s.mode} · fling run ${i + 1}/${RUNS}: ${round(median(run.flings.map((f) => f.fps)))} fps while moving, ` +
                `first moved frame p50 ${round(median(moved))} ms, ${run.flings.length - moved.length} never moved`,
            );
          });
        }
      }
    }
    for (const s of live())
      await step(s, "static page, settled", async (r) => {
        s.settled = await measureStaticSettled(client!, r.url, r.child.pid!, SETTLE_SECONDS * 1000, IDLE_SECONDS * 1000);
        log(`${s.mode} · static settled: CPU ${s.settled.cpuPercent} %, ${s.settled.kbitPerSecond} kbit/s`);
      });
    if (MAX_CONCURRENT > 0)
      for (const s of live())
        await step(s, "concurrent sessions", async (r) => {
          s.concurrency = await measureConcurrency(client!, r.url, r.child.pid!, MAX_CONCURRENT, `${s.mode} · concurrent`);
        });
  } finally {
    await client?.close();
    for (const s of states) await s.renderer?.stop().catch((err: unknown) => log(`capture ${s.mode}: stop: ${String(err)}`));
    await fixtures.stop();
  }
  print(states);
}

function print(states: ModeState[]): void {
  const machine = describeMachine();
  const summaries: ModeSummary[] = states.filter((s) => s.animated.length > 0 || s.static.length > 0).map(summarizeMode);
  process.stdout.write(
    `\nJiomosa capture bench — ${VIEWPORT.width}x${VIEWPORT.height}, maxFps ${MAX_FPS}, JPEG ${JPEG_QUALITY}, ${RUNS} runs × ${TAPS} taps, ` +
      `${FLINGS} flings a run; ${machine.cpus} cores ${machine.model}, Node ${machine.node}\n`,
  );
  for (const table of tableRows(summaries)) {
    process.stdout.write("\n");
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const row of table) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join("  ")}\n`);
  }
  const failed = states.filter((s) => s.failure);
  if (failed.length) process.stdout.write(`\n${failed.map((s) => `${modeLabel(s.mode)}: ${s.failure}`).join("\n")}\n`);
  const file = writeResults(`bench-capture-${timestamp()}.json`, {
    machine,
    settings: {
      maxFps: MAX_FPS,
      jpegQuality: JPEG_QUALITY,
      chromiumArgs: CHROMIUM_ARGS,
      runs: RUNS,
      taps: TAPS,
      fpsSeconds: FPS_SECONDS,
      flings: FLINGS,
      fling: FLING,
    },
    summaries,
    failures: failed.map((s) => ({ mode: s.mode, failure: s.failure })),
    results: states.map(({ renderer: _renderer, ...results }) => results),
  });
  process.stdout.write(`\nwritten: ${file}\n`);
}
