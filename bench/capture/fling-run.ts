/** One scroll run: a call to the long article page, kept open for a series of flings, with the renderer tree's CPU. */
import type { Browser } from "playwright-core";
import { closeSession } from "../../test/support/stream-client.js";
import { runWebRtcClient } from "../../test/support/webrtc-client.js";
import { cpuDuring } from "../process-usage.js";
import { type FlingOptions, type FlingRun, runFlings } from "./fling-client.js";

export type { FlingOptions } from "./fling-client.js";

export interface FlingSeries {
  joinToFirstFrameMs: number;
  flings: FlingRun[];
  rendererCpuPercent: number;
}

export async function runFlingsOnce(
  client: Browser,
  rendererUrl: string,
  rendererPid: number,
  viewport: { width: number; height: number },
  options: FlingOptions,
): Promise<FlingSeries> {
  const page = await client.newPage();
  try {
    await page.goto(`${rendererUrl}/health`);
    const call = await page.evaluate(runWebRtcClient, {
      kiosk: "article",
      ...viewport,
      fpsSeconds: 0,
      taps: 0,
      marker: { x: 0, y: 0 },
      tapAt: { x: 0, y: 0 },
      keepOpen: true,
    });
    try {
      const { result, cpuPercent } = await cpuDuring(rendererPid, () => page.evaluate(runFlings, options));
      return { joinToFirstFrameMs: call.joinToFirstFrameMs, flings: result, rendererCpuPercent: cpuPercent };
    } finally {
      await closeSession(rendererUrl, call.sessionId);
    }
  } finally {
    await page.close();
  }
}
