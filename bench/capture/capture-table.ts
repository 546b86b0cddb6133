/** The capture bench's figures per mode, and its two tables: the figures, and ratios to the references. */
import { type ConcurrencyStep, sessionsHeld } from "../concurrency.js";
import type { StaticSettled } from "../static-settled.js";
import { median, percentile, round } from "../stats.js";
import { decodedOfSent, deliveredShare, type Run } from "../webrtc-run.js";
import { type CaptureMode, modeLabel } from "./capture-modes.js";
import type { FlingSeries } from "./fling-run.js";

export interface ModeResults {
  mode: CaptureMode;
  /** Why the mode was left out (renderer start or a later step), if it was. */
  failure?: string;
  animated: Run[];
  static: Run[];
  flings: FlingSeries[];
  settled: StaticSettled | null;
  concurrency: ConcurrencyStep[];
}

export interface ModeSummary {
  mode: CaptureMode;
  fps: number;
  fpsPerRun: number[];
  decodedOfSentPercent: number;
  decodedOfCapturedPercent: number;
  animatedTap: { p50: number; p95: number; taps: number; missed: number };
  staticTap: { p50: number; p95: number; taps: number; missed: number };
  joinToFirstFrameMs: number;
  kbitPerSecond: number;
  cpuPercent: number;
  cpuMsPerFrame: number;
  settled: StaticSettled | null;
  fling: {
    fps: number;
    movingFps: number;
    firstMovedP50: number;
    firstMovedP95: number;
    flings: number;
    neverMoved: number;
    cpuPercent: number;
  };
  sessionsHeld: number;
  concurrency: { sessions: number; fps: number[] }[];
}

const taps = (runs: Run[]) => {
  const all = runs.flatMap((r) => r.tapLatenciesMs);
  return {
    p50: round(percentile(all, 50)),
    p95: round(percentile(all, 95)),
    taps: all.length,
    missed: runs.reduce((n, r) => n + r.missedTaps, 0),
  };
};

export function summarizeMode(m: ModeResults): ModeSummary {
  const a = m.animated;
  const cpuSeconds = a.reduce((sum, r) => sum + (r.rendererCpuSeconds ?? NaN), 0);
  const decoded = a.reduce((sum, r) => sum + (r.client.framesDecoded ?? NaN), 0);
  const flings = m.flings.flatMap((s) => s.flings);
  const moved = flings.flatMap((f) => (f.firstMovedMs === null ? [] : [f.firstMovedMs]));
  return {
    mode: m.mode,
    fps: round(median(a.map((r) => r.fps))),
    fpsPerRun: a.map((r) => round(r.fps)),
    decodedOfSentPercent: round(median(a.map((r) => decodedOfSent(r) * 100))),
    decodedOfCapturedPercent: round(median(a.map((r) => deliveredShare(r) * 100))),
    animatedTap: taps(a),
    staticTap: taps(m.static),
    joinToFirstFrameMs: round(median([...a, ...m.static].map((r) => r.joinToFirstFrameMs))),
    kbitPerSecond: round(median(a.map((r) => (r.bytesReceived * 8) / 1000 / r.seconds))),
    cpuPercent: round(median(a.map((r) => r.rendererCpuPercent))),
    // Over whole runs (join, frame-rate window, taps): every CPU second the tree spent ÷ every frame the client decoded.
    cpuMsPerFrame: round((cpuSeconds * 1000) / decoded),
    settled: m.settled,
    fling: {
      fps: round(median(flings.map((f) => f.fps))),
      movingFps: round(median(flings.map((f) => f.movingFps))),
      firstMovedP50: round(percentile(moved, 50)),
      firstMovedP95: round(percentile(moved, 95)),
      flings: flings.length,
      neverMoved: flings.length - moved.length,
      cpuPercent: round(median(m.flings.map((s) => s.rendererCpuPercent))),
    },
    sessionsHeld: sessionsHeld(m.concurrency),
    concurrency: m.concurrency.map((c) => ({ sessions: c.sessions, fps: c.fps.map((f) => round(f)) })),
  };
}

/** A figure for a cell: "–" for one not measured. */
const cell = (value: number, unit = "") => (Number.isFinite(value) ? `${value}${unit}` : "–");
const ratio = (value: number, reference: number | undefined) =>
  reference !== undefined && Number.isFinite(value) && Number.isFinite(reference) && reference !== 0
    ? `${round(value / reference, 2)}×`
    : "–";

/** The figures' header, as in the README (Performance). */
const FIGURE_COLUMNS = [
  "mode",
  "60 fps page: fps (runs)",
  "decoded ÷ sent",
  "tap, 60 fps page p50/p95 ms",
  "tap, static p50/p95 ms",
  "join → first frame ms",
  "kbit/s",
  "renderer-tree CPU",
  "CPU ms per frame",
  "static settled: CPU · kbit/s",
  "fling fps (moving)",
  "fling → first moved frame p50/p95 ms",
  "sessions ≥ 20 fps (fps per count)",
];

export function tableRows(summaries: ModeSummary[]): string[][][] {
  const figures = [
    FIGURE_COLUMNS,
    ...summaries.map((s) => [
      modeLabel(s.mode),
      `${cell(s.fps)} (${s.fpsPerRun.join(", ")})`,
      cell(s.decodedOfSentPercent, " %"),
      `${cell(s.animatedTap.p50)} / ${cell(s.animatedTap.p95)} (${s.animatedTap.missed} missed)`,
      `${cell(s.staticTap.p50)} / ${cell(s.staticTap.p95)} (${s.staticTap.missed} missed)`,
      cell(s.joinToFirstFrameMs),
      cell(s.kbitPerSecond),
      cell(s.cpuPercent, " %"),
      cell(s.cpuMsPerFrame),
      s.settled ? `${cell(s.settled.cpuPercent, " %")} · ${cell(s.settled.kbitPerSecond)}` : "–",
      `${cell(s.fling.fps)} (${cell(s.fling.movingFps)})`,
      `${cell(s.fling.firstMovedP50)} / ${cell(s.fling.firstMovedP95)} (${s.fling.neverMoved} of ${s.fling.flings} never)`,
      `${s.sessionsHeld} (${s.concurrency.map((c) => `${c.sessions}→${c.fps.join(",")}`).join(" ") || "–"})`,
    ]),
  ];
  const polling = summaries.find((s) => s.mode === "screenshot");
  const screencast = summaries.find((s) => s.mode === "screencast");
  const ratios = [
    [
      "this ÷ reference",
      "fps ÷ (a)",
      "tap 60 fps p50 ÷ (a)",
      "tap static p50 ÷ (a)",
      "CPU/frame ÷ (a)",
      "kbit/s ÷ (a)",
      "fps ÷ screencast",
      "tap 60 fps p50 ÷ screencast",
      "tap static p50 ÷ screencast",
      "CPU/frame ÷ screencast",
      "kbit/s ÷ screencast",
      "fling fps ÷ screencast",
    ],
    ...summaries.map((s) => [
      modeLabel(s.mode),
      ...[polling, screencast].flatMap((ref) => [
        ratio(s.fps, ref?.fps),
        ratio(s.animatedTap.p50, ref?.animatedTap.p50),
        ratio(s.staticTap.p50, ref?.staticTap.p50),
        ratio(s.cpuMsPerFrame, ref?.cpuMsPerFrame),
        ratio(s.kbitPerSecond, ref?.kbitPerSecond),
      ]),
      ratio(s.fling.fps, screencast?.fling.fps),
    ]),
  ];
  return [figures, ratios];
}
