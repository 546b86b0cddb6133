/** One restart back-off for the helper processes: grows while a process keeps dying, forgiven once it has stayed up. */

export interface BackoffOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next failure starts again from `initialMs`. */
  stableAfterMs: number;
  /** Injected so tests need no real time. */
  now?: () => number;
}

export class Backoff {
  private nextMs: number;
  private startedAt: number | null = null;
  private readonly now: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.nextMs = options.initialMs;
    this.now = options.now ?? Date.now;
  }

  /** Call when the process (re)starts, so its run length can be judged when it fails. */
  started(): void {
    this.startedAt = this.now();
  }

  /** Call when the process failed: the delay to wait before the next start. */
  failed(): number {
    if (this.startedAt !== null && this.now() - this.startedAt >= this.options.stableAfterMs) this.reset();
    this.startedAt = null;
    const delay = this.nextMs;
    this.nextMs = Math.min(delay * this.options.factor, this.options.maxMs);
    return delay;
  }

  reset(): void {
    this.nextMs = this.options.initialMs;
  }
}
