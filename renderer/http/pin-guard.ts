/**
 * Limits PIN guessing twice over: per address (a few tries a minute), and globally, because an
 * attacker on a LAN has many addresses. Past a global budget of failures every further failure
 * locks PIN checks for everyone for a period that doubles each time; tablets already paired keep
 * working (their cookie is not a PIN check), only new pairings wait.
 */
import { AppError } from "../errors.js";

/** Wrong PINs allowed per address and window before its answers are 429. */
const MAX_FAILURES_PER_ADDRESS = 5;
const ADDRESS_WINDOW_MS = 60_000;
/** Wrong PINs allowed from all addresses together within the global window. */
export const GLOBAL_FAILURE_BUDGET = 20;
const GLOBAL_WINDOW_MS = 15 * 60_000;
/** The first global lock; each failure past the budget doubles it, up to the maximum. */
export const FIRST_LOCK_MS = 1_000;
const MAX_LOCK_MS = 15 * 60_000;
const MAX_TRACKED_ADDRESSES = 1000;

export class PinGuard {
  private readonly addresses = new Map<string, { count: number; since: number }>();
  /** Times of recent failures from anyone, oldest first. */
  private global: number[] = [];
  private lockedUntil = 0;
  private lockMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Throws 429 (with the seconds to wait) when this address, or everyone, must wait. */
  check(address: string): void {
    const t = this.now();
    if (t < this.lockedUntil) throw tooMany(this.lockedUntil - t, "too many wrong PINs on this appliance; wait");
    const entry = this.addresses.get(address);
    if (!entry) return;
    if (t - entry.since > ADDRESS_WINDOW_MS) {
      this.addresses.delete(address);
      return;
    }
    if (entry.count >= MAX_FAILURES_PER_ADDRESS)
      throw tooMany(entry.since + ADDRESS_WINDOW_MS - t, "too many wrong PINs from this address; wait");
  }

  failed(address: string): void {
    const t = this.now();
    const entry = this.addresses.get(address);
    if (entry) entry.count++;
    else {
      if (this.addresses.size >= MAX_TRACKED_ADDRESSES) this.addresses.delete(this.addresses.keys().next().value!);
      this.addresses.set(address, { count: 1, since: t });
    }
    this.global = this.global.filter((at) => t - at < GLOBAL_WINDOW_MS);
    this.global.push(t);
    if (this.global.length >= GLOBAL_FAILURE_BUDGET) {
      this.lockMs = Math.min(this.lockMs === 0 ? FIRST_LOCK_MS : this.lockMs * 2, MAX_LOCK_MS);
      this.lockedUntil = t + this.lockMs;
    } else if (this.global.length < GLOBAL_FAILURE_BUDGET / 2) {
      this.lockMs = 0; // a quiet window starts the back-off from the beginning again
    }
  }

  succeeded(address: string): void {
    this.addresses.delete(address);
  }
}

function tooMany(waitMs: number, text: string): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError("too_many_attempts", `${text} ${seconds} s`, { "Retry-After": String(seconds) });
}
