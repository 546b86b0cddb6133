/**
 * Is the link weak right now? Read from the viewer's own receiver figures (inbound-rtp video):
 * a freeze (Chromium's freezeCount), no frame decoded for a while (a static page still gets one a
 * second), or many packets lost. The thin "weak connection" hint follows this; it goes away by
 * itself once the picture has flowed calmly for a while, without a reload.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { Timers } from "./timers.js";

/** How often the receiver's figures are read. */
export const LINK_POLL_MS = 1000;
/** The hint stays this long after the last sign of trouble, so it does not flicker. */
export const LINK_CALM_MS = 5000;
/** Packets lost between two reads above this share: weak, even before the picture froze. */
const WEAK_LOSS_SHARE = 0.05;
/** No frame decoded for this long while connected: the picture is stuck. */
export const STALL_MS = 2500;

export interface VideoReceiveSample {
  freezeCount: number;
  framesDecoded: number;
  packetsLost: number;
  packetsReceived: number;
}

/** The video receiver's counters from a stats report, or null when there is no video yet. */
function readVideoSample(report: RTCStatsReport): VideoReceiveSample | null {
  let sample: VideoReceiveSample | null = null;
  report.forEach((stat: Record<string, unknown>) => {
    if (stat.type !== "inbound-rtp" || stat.kind !== "video") return;
    const n = (key: string) => (typeof stat[key] === "number" ? stat[key] : 0);
    sample = {
      freezeCount: n("freezeCount"),
      framesDecoded: n("framesDecoded"),
      packetsLost: n("packetsLost"),
      packetsReceived: n("packetsReceived"),
    };
  });
  return sample;
}

/** The judgement on a series of samples; pure, so it is tested with a clock of the test's own. */
class LinkQuality {
  private last: VideoReceiveSample | null = null;
  private lastFrameAt = 0;
  private troubleAt = -Infinity;

  /** Takes one sample taken at `now` (ms); returns whether the link counts as weak. */
  update(sample: VideoReceiveSample, now: number): boolean {
    const last = this.last;
    this.last = sample;
    // A new connection (reconnect) starts its counters again: a fresh baseline, not trouble.
    if (!last || sample.framesDecoded < last.framesDecoded || sample.packetsReceived < last.packetsReceived) {
      this.lastFrameAt = now;
      return this.weakAt(now);
    }
    if (sample.framesDecoded > last.framesDecoded) this.lastFrameAt = now;
    const lost = Math.max(0, sample.packetsLost - last.packetsLost);
    const received = sample.packetsReceived - last.packetsReceived;
    const froze = sample.freezeCount > last.freezeCount;
    const lossy = lost + received > 0 && lost / (lost + received) > WEAK_LOSS_SHARE;
    const stalled = now - this.lastFrameAt >= STALL_MS;
    if (froze || lossy || stalled) this.troubleAt = now;
    return this.weakAt(now);
  }

  private weakAt(now: number): boolean {
    return now - this.troubleAt < LINK_CALM_MS;
  }
}

/** Polls the stats while its host is connected and exposes `weak`; the host re-renders on change. */
export class LinkQualityController implements ReactiveController {
  weak = false;
  private quality = new LinkQuality();
  private timer: unknown;
  private elapsed = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The current connection's stats, or null while there is none. */
    private readonly readStats: () => Promise<RTCStatsReport | null>,
    private readonly timers: Timers,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer ??= this.timers.setInterval(() => void this.poll(), LINK_POLL_MS);
  }

  hostDisconnected(): void {
    if (this.timer !== undefined) this.timers.clearInterval(this.timer);
    this.timer = undefined;
    this.set(false);
  }

  private async poll(): Promise<void> {
    // The clock is the poll count: the injected timers decide how fast it runs.
    this.elapsed += LINK_POLL_MS;
    const report = await this.readStats().catch(() => null);
    const sample = report ? readVideoSample(report) : null;
    if (!sample) {
      // No connection (reconnecting: the overlay says so) or no video yet: start afresh later.
      this.quality = new LinkQuality();
      this.set(false);
      return;
    }
    this.set(this.quality.update(sample, this.elapsed));
  }

  private set(weak: boolean): void {
    if (weak === this.weak) return;
    this.weak = weak;
    this.host.requestUpdate();
  }
}
