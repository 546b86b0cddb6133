/** How many animated sessions at once one renderer keeps at a usable frame rate. */
import type { Browser, Page } from "playwright-core";
import { closeSession, framesDuring, openStream } from "../test/support/stream-client.js";
import { treeUsage } from "./process-usage.js";
import { round } from "./stats.js";

/** Below this, each session's motion stops looking like motion. */
export const USABLE_FPS = 20;
const WARM_MS = 3000;
const MEASURE_MS = 5000;

export interface ConcurrencyStep {
  sessions: number;
  fps: number[];
  pssMiB: number;
}

/** Adds animated sessions one by one up to `max`; each count measures every session's decoded fps at once. */
export async function measureConcurrency(
  client: Browser,
  rendererUrl: string,
  rendererPid: number,
  max: number,
  label = "concurrency",
): Promise<ConcurrencyStep[]> {
  const pages: Page[] = [];
  const ids: string[] = [];
  const out: ConcurrencyStep[] = [];
  try {
    for (let n = 1; n <= max; n++) {
      const page = await client.newPage();
      pages.push(page);
      ids.push(await openStream(page, rendererUrl, "animated"));
      await new Promise((r) => setTimeout(r, WARM_MS));
      const fps = (await Promise.all(pages.map((p) => framesDuring(p, MEASURE_MS)))).map((frames) => frames / (MEASURE_MS / 1000));
      out.push({ sessions: n, fps, pssMiB: treeUsage(rendererPid).pssMiB });
      process.stderr.write(`${label} ${n}: ${fps.map((f) => round(f)).join(", ")} fps\n`);
      if (Math.min(...fps) < USABLE_FPS) break;
    }
  } finally {
    for (const p of pages) await p.close().catch(() => {});
    for (const id of ids) await closeSession(rendererUrl, id).catch(() => {});
  }
  return out;
}

/** The most sessions at once that each held USABLE_FPS. */
export function sessionsHeld(steps: ConcurrencyStep[]): number {
  const held = steps.filter((c) => Math.min(...c.fps) >= USABLE_FPS).map((c) => c.sessions);
  return held.length ? Math.max(...held) : 0;
}
