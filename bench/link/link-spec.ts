/**
 * The `--link` argument of the bench: how the impairment proxy treats each datagram, e.g.
 * `loss=3%,delay=20ms,jitter=10ms,reorder`. Applied to each direction on its own.
 */

export interface LinkImpairment {
  /** Probability (0–1) that a datagram is dropped. */
  lossRate: number;
  /** Base one-way delay added to every datagram. */
  delayMs: number;
  /** Each datagram's delay is `delayMs` ± up to this much (uniform). */
  jitterMs: number;
  /** Let jitter reorder datagrams; without it a datagram never overtakes the one before it. */
  reorder: boolean;
}

export const CLEAN_LINK: LinkImpairment = { lossRate: 0, delayMs: 0, jitterMs: 0, reorder: false };

/** Upper bounds that keep a typo from turning the bench into an outage. */
const MAX_DELAY_MS = 2000;
const MAX_LOSS_PERCENT = 50;

/** A short name for tables: "3% loss, 20±10 ms, reordered". */
export function describeLink(link: LinkImpairment): string {
  if (link.lossRate === 0 && link.delayMs === 0 && link.jitterMs === 0) return "no impairment";
  const parts = [`${Math.round(link.lossRate * 1000) / 10}% loss`, `${link.delayMs}${link.jitterMs ? `±${link.jitterMs}` : ""} ms`];
  if (link.reorder) parts.push("reordered");
  return parts.join(", ");
}

/** Parses `loss=3%,delay=20ms,jitter=10ms[,reorder]`; throws with the offending part named. */
export function parseLinkSpec(spec: string): LinkImpairment {
  const link = { ...CLEAN_LINK };
  if (spec.trim() === "" || spec.trim() === "none") return link;
  for (const [index, raw] of spec.split(",").entries()) {
    const part = raw.trim();
    const where = `--link part ${index + 1} ("${part}")`;
    if (part === "reorder") {
      link.reorder = true;
      continue;
    }
    const match = /^(loss|delay|jitter)=(\d+(?:\.\d+)?)(%|ms)?$/.exec(part);
    if (!match) throw new Error(`${where}: expected loss=N%, delay=Nms, jitter=Nms or reorder`);
    const [, key, number, unit] = match;
    const value = Number(number);
    if (key === "loss") {
      if (unit !== "%") throw new Error(`${where}: loss takes a percentage, e.g. loss=3%`);
      if (value > MAX_LOSS_PERCENT) throw new Error(`${where}: loss above ${MAX_LOSS_PERCENT}% is not a link`);
      link.lossRate = value / 100;
    } else {
      if (unit !== "ms") throw new Error(`${where}: ${key} takes milliseconds, e.g. ${key}=20ms`);
      if (value > MAX_DELAY_MS) throw new Error(`${where}: ${key} above ${MAX_DELAY_MS} ms is not a link`);
      if (key === "delay") link.delayMs = value;
      else link.jitterMs = value;
    }
  }
  if (link.jitterMs > link.delayMs) throw new Error(`--link: jitter (${link.jitterMs} ms) must not exceed delay (${link.delayMs} ms)`);
  return link;
}
