/** One bench call through the WebRTC client in a fresh client tab, with the renderer tree's CPU around it. */
import type { Browser } from "playwright-core";
import { closeSession } from "../test/support/stream-client.js";
import { runWebRtcClient, type WebRtcRunOptions, type WebRtcRunResult } from "../test/support/webrtc-client.js";
import { cpuDuring } from "./process-usage.js";

export interface Run extends WebRtcRunResult {
  /** CPU of the renderer and its Chromium over the whole run (100 % = one core). */
  rendererCpuPercent: number;
  /** The same, in CPU seconds. */
  rendererCpuSeconds?: number;
}

export async function runWebRtcOnce(client: Browser, rendererUrl: string, rendererPid: number, options: WebRtcRunOptions): Promise<Run> {
  const page = await client.newPage();
  try {
    await page.goto(`${rendererUrl}/health`);
    const { result, cpuPercent, seconds } = await cpuDuring(rendererPid, () => page.evaluate(runWebRtcClient, options));
    await closeSession(rendererUrl, result.sessionId);
    return { ...result, rendererCpuPercent: cpuPercent, rendererCpuSeconds: (cpuPercent / 100) * seconds };
  } finally {
    await page.close();
  }
}

/** Frames the client decoded ÷ frames Chromium's capture produced in the same session. */
export function deliveredShare(run: Run): number {
  const captured = (run.server as { capture?: { captured?: number } }).capture?.captured;
  const decoded = run.client.framesDecoded;
  return captured && decoded !== undefined ? decoded / captured : NaN;
}

/** Frames the client decoded ÷ frames the renderer's video sender sent (libwebrtc's `framesSent`). */
export function decodedOfSent(run: Run): number {
  const sent = (run.server as { peers?: { framesSent?: number }[] }).peers?.[0]?.framesSent;
  const decoded = run.client.framesDecoded;
  return sent && decoded !== undefined ? decoded / sent : NaN;
}
