/** A static page once settled: what a kiosk showing a dashboard costs between changes. */
import type { Browser } from "playwright-core";
import { closeSession, openStream } from "../test/support/stream-client.js";
import { cpuDuring } from "./process-usage.js";
import { round } from "./stats.js";

export interface StaticSettled {
  cpuPercent: number;
  kbitPerSecond: number;
}

/** Opens the static kiosk, lets it settle for `settleMs`, then measures CPU and bits for `measureMs`. */
export async function measureStaticSettled(
  client: Browser,
  rendererUrl: string,
  rendererPid: number,
  settleMs = 4000,
  measureMs = 10_000,
): Promise<StaticSettled> {
  const page = await client.newPage();
  const id = await openStream(page, rendererUrl, "static");
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const sent = async () => {
      const stats = (await (await fetch(`${rendererUrl}/api/session/${id}/stats`)).json()) as { peers: { bytesSent?: number }[] };
      return stats.peers[0]?.bytesSent ?? 0;
    };
    const bytesBefore = await sent();
    const { cpuPercent, seconds } = await cpuDuring(rendererPid, () => new Promise((r) => setTimeout(r, measureMs)));
    const kbitPerSecond = round((((await sent()) - bytesBefore) * 8) / 1000 / seconds);
    return { cpuPercent, kbitPerSecond };
  } finally {
    await page.close();
    await closeSession(rendererUrl, id);
  }
}
