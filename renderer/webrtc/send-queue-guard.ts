/**
 * Keeps the sender's queue short on a link that cannot carry what the encoder makes. On a lossy,
 * jittery link libwebrtc's bandwidth estimate falls (delay variation reads as congestion), the
 * pacer then holds packets, and every frame pushed meanwhile waits behind the ones before it:
 * the bench measured 140–400 ms per packet in the pacer, which is what made a tap take a second
 * to show on a moving page. The renderer cannot see the pacer's queue, but `outbound-rtp`'s
 * `totalPacketSendDelay` says how long recent packets waited; while that is high, frames are
 * skipped at the source (a newer one goes out once the queue has drained), so what the tablet
 * gets is late by one frame at most, not by a queue of them.
 */

/** Recent packets waited longer than this on average: the link is behind. */
const QUEUE_BEHIND_MS = 60;
/** …and it has caught up again once they wait less than this. */
const QUEUE_CAUGHT_UP_MS = 25;
/** While behind, still one frame per this period, so the picture keeps moving. */
export const BEHIND_FRAME_INTERVAL_MS = 250;

export interface SenderQueueSample {
  /** outbound-rtp `totalPacketSendDelay`, seconds. */
  totalPacketSendDelay: number;
  packetsSent: number;
}

export class SendQueueGuard {
  private last: SenderQueueSample | null = null;
  behind = false;
  skipped = 0;
  /** The recent average wait per packet, ms (NaN before two samples). */
  recentDelayMs = NaN;

  /** Takes the sender's counters; decides whether the queue is behind. */
  update(sample: SenderQueueSample): void {
    const last = this.last;
    this.last = sample;
    if (!last || sample.packetsSent <= last.packetsSent) return;
    this.recentDelayMs = ((sample.totalPacketSendDelay - last.totalPacketSendDelay) * 1000) / (sample.packetsSent - last.packetsSent);
    if (this.recentDelayMs > QUEUE_BEHIND_MS) this.behind = true;
    else if (this.recentDelayMs < QUEUE_CAUGHT_UP_MS) this.behind = false;
  }

  /** Whether a new frame should go to the encoder now. */
  admit(now: number, lastPushAt: number | null): boolean {
    return !this.behind || lastPushAt === null || now - lastPushAt >= BEHIND_FRAME_INTERVAL_MS;
  }
}
