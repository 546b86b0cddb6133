/**
 * `npm run bench:audio`: what page sound costs and how late it is, measured with the real
 * renderer (its own PulseAudio) and a real Chromium client, written to bench/results/.
 *
 *   node dist/bench/audio.js [--trials N] [--seconds S]
 *
 * Latency: a tap starts a tone and turns the page white in the same task (test/fixtures/tone.html,
 * which reports the start on this machine's clock). The client notes when the first decoded frame
 * shows white and when its received audio track first carries sound (WebAudio AnalyserNode), so:
 * audio latency = tone start → sound at the client, video latency = same start → picture at the
 * client, A/V offset = sound − picture (positive: sound after picture).
 * Cost: CPU % and PSS of the renderer's process tree for a silent session, a sound session whose
 * page is quiet, and a sound session playing, each with one viewer.
 */
import type { Page } from "playwright-core";
import { listen } from "../test/support/audio-probe.js";
import { launchClient } from "../test/support/client-browser.js";
import { FixtureServer } from "../test/support/fixture-server.js";
import { startRenderer } from "../test/support/renderer-process.js";
import { closeSession, openStream, waitForChannel } from "../test/support/stream-client.js";
import { cpuDuring, treeUsage } from "./process-usage.js";
import { arg, machine as describeMachine, timestamp, writeResults } from "./report.js";
import { median, percentile, round } from "./stats.js";

const TRIALS = arg("trials", 20);
const SECONDS = arg("seconds", 10);

interface Trial {
  sentAt: number;
  videoAt: number;
  audioAt: number;
}

/** Runs in the client page: taps, then waits for white pixels and for sound; taps again to stop. */
async function clientTrials(count: number): Promise<Trial[]> {
  const state = (window as unknown as { __stream: { video: HTMLVideoElement; dc: RTCDataChannel } }).__stream;
  const { video, dc } = state;
  // Set up by the audio probe's listen(page, 256): a short window, so sound is seen as it starts.
  const { analyser } = (window as unknown as { __audio: { analyser: AnalyserNode } }).__audio;
  const samples = new Float32Array(analyser.fftSize);
  const loud = () => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    return peak > 0.05;
  };
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const g = canvas.getContext("2d", { willReadFrequently: true })!;
  let white = false;
  const onFrame = () => {
    g.drawImage(video, video.videoWidth / 2, video.videoHeight / 2, 1, 1, 0, 0, 1, 1);
    white = g.getImageData(0, 0, 1, 1).data[0] > 128;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  const tap = () => dc.send(JSON.stringify({ type: "click", x: 200, y: 200 }));
  const until = (check: () => boolean, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const timer = setInterval(() => {
        if (check()) {
          clearInterval(timer);
          resolve(Date.now());
        } else if (Date.now() > deadline) {
          clearInterval(timer);
          reject(new Error("timed out"));
        }
      }, 1);
    });
  const trials: Trial[] = [];
  for (let i = 0; i < count; i++) {
    // Quiet and black for a while before each tap.
    await until(() => !white && !loud(), 10_000);
    await new Promise((r) => setTimeout(r, 400));
    const sentAt = Date.now();
    tap();
    let videoAt = 0;
    let audioAt = 0;
    await until(() => {
      if (!videoAt && white) videoAt = Date.now();
      if (!audioAt && loud()) audioAt = Date.now();
      return videoAt > 0 && audioAt > 0;
    }, 10_000);
    trials.push({ sentAt, videoAt, audioAt });
    await new Promise((r) => setTimeout(r, 300));
    tap();
  }
  return trials;
}

async function main(): Promise<void> {
  const fixtures = new FixtureServer();
  await fixtures.start();
  const url = `${fixtures.origin}/tone.html?freq=440&start=click`;
  const renderer = await startRenderer(`
name: Audio bench
listen: { host: 127.0.0.1, port: 0 }
kiosks:
  - { id: sound, title: Sound, url: "${url}", audio: true }
  - { id: silent, title: Silent, url: "${url}", audio: false }
  - { id: playing, title: Playing, url: "${fixtures.origin}/tone.html?freq=440", audio: true }
sessions: { max: 4, idleTimeoutSeconds: 60 }
turn: { enabled: false }
`);
  const pid = renderer.child.pid!;
  const client = await launchClient();
  const open = async (kiosk: string): Promise<{ page: Page; id: string }> => {
    const page = await client.newPage();
    const id = await openStream(page, renderer.url, kiosk);
    await waitForChannel(page);
    return { page, id };
  };
  const close = async ({ page, id }: { page: Page; id: string }) => {
    await page.close();
    await closeSession(renderer.url, id);
  };

  // Latency: one warm-up trial, then the measured ones.
  const sound = await open("sound");
  await sound.page.waitForTimeout(2000);
  await listen(sound.page, 256);
  await sound.page.evaluate(clientTrials, 1);
  const firstMeasured = fixtures.reports.length;
  const trials = await sound.page.evaluate(clientTrials, TRIALS);
  const starts = fixtures.reports
    .slice(firstMeasured)
    .filter((r) => r.event === "tone-start")
    .map((r) => Number(r.at));
  const rows = trials
    .map((t) => {
      const start = starts.find((at) => at >= t.sentAt - 5 && at <= t.videoAt) ?? NaN;
      return { tapToStartMs: start - t.sentAt, audioMs: t.audioAt - start, videoMs: t.videoAt - start, offsetMs: t.audioAt - t.videoAt };
    })
    .filter((r) => Number.isFinite(r.audioMs));
  await close(sound);

  // Cost: the tree's CPU over SECONDS and its PSS growth, per kind of session.
  const idle = treeUsage(pid).pssMiB;
  const cost = async (kiosk: string) => {
    const before = treeUsage(pid).pssMiB;
    const session = await open(kiosk);
    await session.page.waitForTimeout(3000);
    const received = () =>
      session.page.evaluate(async () => {
        let bytes = 0;
        const stats = await (window as unknown as { __stream: { pc: RTCPeerConnection } }).__stream.pc.getStats();
        stats.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "audio") bytes = s.bytesReceived;
        });
        return bytes;
      });
    const bytesBefore = await received();
    const { cpuPercent, seconds } = await cpuDuring(pid, () => session.page.waitForTimeout(SECONDS * 1000));
    const audioKbitPerSecond = round((((await received()) - bytesBefore) * 8) / 1000 / seconds);
    const pss = treeUsage(pid).pssMiB - before;
    await close(session);
    await new Promise((r) => setTimeout(r, 1500));
    return { kiosk, cpuPercent, pssMiB: pss, audioKbitPerSecond, processes: treeUsage(pid).processes };
  };
  const costs = [await cost("silent"), await cost("sound"), await cost("playing")];

  await client.close();
  await renderer.stop();
  await fixtures.stop();

  const col = (values: number[]) => ({ p50: round(median(values)), p95: round(percentile(values, 95)) });
  const summary = {
    trials: rows.length,
    tapToToneStartMs: col(rows.map((r) => r.tapToStartMs)),
    audioLatencyMs: col(rows.map((r) => r.audioMs)),
    videoLatencyMs: col(rows.map((r) => r.videoMs)),
    avOffsetMs: col(rows.map((r) => r.offsetMs)),
  };
  const machine = describeMachine();
  process.stdout.write(`\nJiomosa audio bench — ${machine.cpus} cores ${machine.model}, ${rows.length} taps\n`);
  process.stdout.write(`| figure (ms) | p50 | p95 |\n|---|---|---|\n`);
  for (const [name, v] of [
    ["tap → tone start in the page", summary.tapToToneStartMs],
    ["tone start → sound at the client (audio latency)", summary.audioLatencyMs],
    ["tone start → picture at the client (video latency)", summary.videoLatencyMs],
    ["A/V offset (sound − picture)", summary.avOffsetMs],
  ] as const)
    process.stdout.write(`| ${name} | ${v.p50} | ${v.p95} |\n`);
  process.stdout.write(`\n| session (one viewer) | renderer tree CPU % | PSS added (MiB) | audio kbit/s |\n|---|---|---|---|\n`);
  const label: Record<string, string> = {
    silent: "silent (audio: false)",
    sound: "sound, page quiet",
    playing: "sound, page playing a tone",
  };
  for (const c of costs) process.stdout.write(`| ${label[c.kiosk]} | ${c.cpuPercent} | ${c.pssMiB} | ${c.audioKbitPerSecond} |\n`);
  process.stdout.write(`(renderer tree idle: ${idle} MiB PSS)\n`);
  const file = writeResults(`audio-${timestamp().slice(0, 19)}.json`, {
    machine,
    settings: { trials: TRIALS, seconds: SECONDS },
    summary,
    costs,
    idlePssMiB: idle,
    rows,
  });
  process.stdout.write(`\nwritten ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:audio failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
