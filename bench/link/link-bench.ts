/**
 * `npm run bench -- --link "loss=3%,delay=20ms,jitter=10ms[,reorder]"`: ours and the original
 * design's capture (baseline (a), screenshot polling into our WebRTC path) on an impaired link.
 * The client is forced through TURN (iceTransportPolicy relay) and its TURN server is the
 * impairment proxy in front of a real coturn on 127.0.0.1, so video, RTCP and the input
 * DataChannel all cross the bad link, each direction on its own.
 *
 * Before/after comparisons on a shared machine: `--variant NAME=TUNING` (repeatable) starts one
 * renderer per variant with JIOMOSA_LINK_TUNING=TUNING (renderer/webrtc/link-tuning.ts) and runs
 * the variants interleaved, run by run, so a busy minute hurts them alike. `client-jbt=N` in a
 * tuning sets the bench client's jitterBufferTarget instead (the viewer's setting).
 */
import type { Browser } from "playwright-core";
import { launchClient } from "../../test/support/client-browser.js";
import { FixtureServer } from "../../test/support/fixture-server.js";
import { type RendererProcess, startRenderer } from "../../test/support/renderer-process.js";
import { closeSession } from "../../test/support/stream-client.js";
import { startTestTurn, turnSection } from "../../test/support/turn.js";
import { runWebRtcClient, type WebRtcRunOptions, type WebRtcRunResult } from "../../test/support/webrtc-client.js";
import { cpuDuring } from "../process-usage.js";
import { arg, machine as describeMachine, timestamp, writeResults } from "../report.js";
import { median, percentile, round } from "../stats.js";
import { ImpairmentProxy } from "./impairment-proxy.js";
import { describeLink, type LinkImpairment, parseLinkSpec } from "./link-spec.js";

const VIEWPORT = { width: 1280, height: 720 };

interface Variant {
  name: string;
  /** JIOMOSA_LINK_TUNING for the renderer. */
  tuning: string;
  jitterBufferTargetMs?: number;
  /** `client-flush=off`: the client sends no flushes after a tap (the viewer does, tail-flush.ts). */
  tailFlushes?: number;
}

interface System {
  variant: Variant;
  capture: "screencast" | "screenshot";
  renderer: RendererProcess;
}

interface LinkRun extends WebRtcRunResult {
  rendererCpuPercent: number;
}

/** `--variant before=keyframe-answer=off` → name and tuning; client-side keys split off. */
function parseVariant(text: string): Variant {
  const eq = text.indexOf("=");
  const name = eq < 0 ? text : text.slice(0, eq);
  const parts = (eq < 0 ? "" : text.slice(eq + 1)).split(",").filter(Boolean);
  const variant: Variant = { name, tuning: parts.filter((p) => !p.startsWith("client-")).join(",") };
  const jbt = parts.find((p) => p.startsWith("client-jbt="));
  if (jbt) variant.jitterBufferTargetMs = Number(jbt.slice("client-jbt=".length));
  if (parts.includes("client-flush=off")) variant.tailFlushes = 0;
  return variant;
}

function variantsFromArgs(): Variant[] {
  const out: Variant[] = [];
  process.argv.forEach((a, i) => {
    if (a === "--variant") out.push(parseVariant(process.argv[i + 1] ?? ""));
  });
  return out.length ? out : [{ name: "current", tuning: "" }];
}

const num = (record: Record<string, unknown> | undefined, key: string): number => {
  const value = record?.[key];
  return typeof value === "number" ? value : NaN;
};

/** This run's sender figures (the only peer of its session). */
const sender = (run: LinkRun) => (run.server as { peers?: Record<string, unknown>[] }).peers?.[0];

function summarize(label: string, runs: LinkRun[]) {
  const taps = runs.flatMap((r) => r.tapLatenciesMs);
  const med = (pick: (r: LinkRun) => number) => round(median(runs.map(pick).filter(Number.isFinite)));
  return {
    label,
    runs: runs.length,
    path: [...new Set(runs.map((r) => r.localCandidate.type))].join(","),
    fps: med((r) => r.fps),
    fpsPerRun: runs.map((r) => round(r.fps)),
    freezes: med((r) => r.freezes.count),
    longestFreezeMs: med((r) => r.freezes.longestMs),
    worstFreezeMs: round(Math.max(...runs.map((r) => r.freezes.longestMs))),
    tapP50: round(percentile(taps, 50)),
    tapP95: round(percentile(taps, 95)),
    taps: taps.length,
    missedTaps: runs.reduce((n, r) => n + r.missedTaps, 0),
    kbitPerSecond: med((r) => (r.bytesReceived * 8) / 1000 / r.seconds),
    // Both ends' view of repair: what the client asked for, what the sender saw and did.
    clientPli: med((r) => r.client.pliCount ?? NaN),
    clientFir: med((r) => r.client.firCount ?? NaN),
    clientNack: med((r) => r.client.nackCount ?? NaN),
    keyFramesDecoded: med((r) => r.client.keyFramesDecoded ?? NaN),
    packetsLost: med((r) => r.client.packetsLost ?? NaN),
    retransmittedReceived: med((r) => r.client.retransmittedPacketsReceived ?? NaN),
    fecReceived: med((r) => r.client.fecPacketsReceived ?? NaN),
    clientFreezeCount: med((r) => r.client.freezeCount ?? NaN),
    jitterBufferMs: med((r) => r.client.avgJitterBufferMs ?? NaN),
    senderPli: med((r) => num(sender(r), "pliCount")),
    senderFir: med((r) => num(sender(r), "firCount")),
    senderNack: med((r) => num(sender(r), "nackCount")),
    keyFramesEncoded: med((r) => num(sender(r), "keyFramesEncoded")),
    retransmittedSent: med((r) => num(sender(r), "retransmittedPacketsSent")),
    framesEncoded: med((r) => num(sender(r), "framesEncoded")),
    // How long a packet waited in the sender's pacer on average: the queue a tap waits behind.
    pacerMs: med((r) => (1000 * num(sender(r), "totalPacketSendDelay")) / num(sender(r), "packetsSent")),
    guardSkipped: med((r) => num(sender(r), "queueGuardSkipped")),
    keyframeAnswers: med((r) => num(sender(r), "keyframeAnswers")),
    rendererCpuPercent: med((r) => r.rendererCpuPercent),
  };
}

export async function runLinkBench(spec: string): Promise<void> {
  const link: LinkImpairment = parseLinkSpec(spec);
  const runs = arg("runs", 3);
  const taps = arg("taps", 20);
  const fpsSeconds = arg("fps-seconds", 10);
  const maxFps = arg("max-fps", 30);
  const baselines = !process.argv.includes("--no-baselines");
  const variants = variantsFromArgs();

  const fixtures = new FixtureServer();
  await fixtures.start();
  const turn = await startTestTurn();
  const proxy = new ImpairmentProxy({ targetPort: turn.port, link });
  await proxy.start();
  const config = (capture: System["capture"]) => `
listen: { host: 127.0.0.1, port: 0 }
kiosks:
  - { id: animated, title: Animated, url: "${fixtures.origin}/animated.html" }
  - { id: static, title: Static, url: "${fixtures.origin}/static.html" }
viewport: { width: ${VIEWPORT.width}, height: ${VIEWPORT.height} }
video: { maxFps: ${maxFps}, maxBitrateKbps: 2500, jpegQuality: 80, capture: ${capture} }
sessions: { max: 8, idleTimeoutSeconds: 60 }
${turnSection(turn)}
`;
  const systems: System[] = [];
  let client: Browser | null = null;
  const results = new Map<string, LinkRun[]>();
  try {
    for (const [index, variant] of variants.entries()) {
      // Baseline (a) for the first and the last variant only (before and after): it is slow.
      const withBaseline = baselines && (index === 0 || index === variants.length - 1);
      for (const capture of withBaseline ? (["screencast", "screenshot"] as const) : (["screencast"] as const)) {
        const env: Record<string, string> = { LOG_LEVEL: "warn", JIOMOSA_LINK_TUNING: variant.tuning };
        systems.push({ variant, capture, renderer: await startRenderer(config(capture), env) });
      }
    }
    client = await launchClient();
    const once = async (system: System, kiosk: string, fps: number, tapCount: number): Promise<LinkRun> => {
      const options: WebRtcRunOptions = {
        kiosk,
        ...VIEWPORT,
        fpsSeconds: fps,
        taps: tapCount,
        marker: { x: 80, y: 80 },
        tapAt: { x: 640, y: 360 },
        iceTransportPolicy: "relay",
        turnUrls: [`turn:127.0.0.1:${proxy.port}?transport=udp`],
        ...(system.variant.tailFlushes !== undefined ? { tailFlushes: system.variant.tailFlushes } : {}),
        ...(system.variant.jitterBufferTargetMs !== undefined ? { jitterBufferTargetMs: system.variant.jitterBufferTargetMs } : {}),
      };
      const page = await client!.newPage();
      try {
        await page.goto(`${system.renderer.url}/health`);
        const { result, cpuPercent } = await cpuDuring(system.renderer.child.pid!, () => page.evaluate(runWebRtcClient, options));
        await closeSession(system.renderer.url, result.sessionId);
        return { ...result, rendererCpuPercent: cpuPercent };
      } finally {
        await page.close();
      }
    };
    // Warm-up per renderer: codec init and a fresh process are not what a link costs.
    for (const system of systems) await once(system, "animated", 1, 1);
    const name = (system: System, page: string) =>
      `${system.variant.name} · ${system.capture === "screencast" ? "ours" : "(a) polling"} · ${page}`;
    for (let i = 0; i < runs; i++) {
      for (const page of ["animated", "static"]) {
        for (const system of systems) {
          const key = name(system, page);
          const run = await once(system, page, page === "animated" ? fpsSeconds : 2, taps);
          results.set(key, [...(results.get(key) ?? []), run]);
          process.stderr.write(
            `${key} run ${i + 1}/${runs}: ${round(run.fps)} fps, freezes ${run.freezes.count} (longest ${round(run.freezes.longestMs)} ms), ` +
              `tap p50 ${round(median(run.tapLatenciesMs))} p95 ${round(percentile(run.tapLatenciesMs, 95))} ms, ` +
              `PLI ${run.client.pliCount} NACK ${run.client.nackCount} key ${run.client.keyFramesDecoded}, path ${run.localCandidate.type}\n`,
          );
        }
      }
    }
  } finally {
    await client?.close();
    for (const system of systems) await system.renderer.stop();
    await proxy.close();
    await turn.server.close();
    await fixtures.stop();
  }

  const summaries = [...results].map(([label, list]) => summarize(label, list));
  const machine = describeMachine();
  const columns: [string, (s: ReturnType<typeof summarize>) => string][] = [
    ["system", (s) => s.label],
    ["fps", (s) => (s.label.endsWith("static") ? "–" : `${s.fps} (${s.fpsPerRun.join(",")})`)],
    [
      "freezes >300ms, median n / longest (worst)",
      (s) => (s.label.endsWith("static") ? "–" : `${s.freezes} / ${s.longestFreezeMs} (${s.worstFreezeMs}) ms`),
    ],
    ["tap p50 / p95", (s) => `${s.tapP50} / ${s.tapP95} ms${s.missedTaps ? ` (${s.missedTaps} missed)` : ""}`],
    ["kbit/s", (s) => String(s.kbitPerSecond)],
    ["lost / NACK / RTX rcvd / FEC rcvd", (s) => `${s.packetsLost} / ${s.clientNack} / ${s.retransmittedReceived} / ${s.fecReceived}`],
    ["PLI+FIR sent / seen by sender", (s) => `${s.clientPli}+${s.clientFir} / ${s.senderPli}+${s.senderFir}`],
    ["keyframes encoded / decoded", (s) => `${s.keyFramesEncoded} / ${s.keyFramesDecoded}`],
    ["RTX sent", (s) => String(s.retransmittedSent)],
    ["pacer ms/packet", (s) => String(s.pacerMs)],
    ["answers / skipped", (s) => `${s.keyframeAnswers} / ${s.guardSkipped}`],
    ["jitter buf ms", (s) => String(s.jitterBufferMs)],
    ["CPU %", (s) => String(s.rendererCpuPercent)],
  ];
  const rows = [columns.map(([h]) => h), ...summaries.map((s) => columns.map(([, f]) => f(s)))];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  process.stdout.write(
    `\nJiomosa link bench — ${describeLink(link)} each direction (TURN/UDP relay through the proxy), ${runs} runs interleaved, ` +
      `${machine.cpus} cores ${machine.model}; proxy: ${proxy.stats.forwarded} forwarded, ${proxy.stats.lost} lost, ${proxy.stats.reordered} reordered\n`,
  );
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join("  ")}\n`);
  const file = writeResults(`link-${timestamp()}.json`, {
    machine,
    link,
    variants,
    settings: { runs, taps, fpsSeconds, maxFps },
    proxy: proxy.stats,
    summaries,
    results: Object.fromEntries(results),
  });
  process.stdout.write(`\nwritten: ${file}\n`);
}
