/**
 * After the tablet slept, its socket and peer may be dead without having said so (their timers
 * were frozen too). afterWake (reconnect-policy.ts) decides; this acts on a "ping" decision: a
 * link that looks alive must answer within WAKE_CHECK_TIMEOUT_MS or it is rebuilt.
 */
import type { ClientMessage } from "../../../protocol/index.js";
import { afterWake, type WakeState } from "./reconnect-policy.js";
import { type Timers, TimerSlot } from "./timers.js";

/** After the tablet wakes, a pong must come back this soon or the link is rebuilt at once. */
export const WAKE_CHECK_TIMEOUT_MS = 4_000;

/** What the check needs of the current link (a session link or a picture link). */
export interface WakeLink {
  readonly alive: boolean;
  readonly socketOpen: boolean;
  signal(message: ClientMessage): void;
}

export class WakeCheck {
  private readonly timer: TimerSlot;

  constructor(
    timers: Timers,
    /** Drops the link and connects again now. */
    private readonly rebuild: () => void,
  ) {
    this.timer = new TimerSlot(timers);
  }

  /** The tablet woke: rebuild the link now, ping it, or leave it (see afterWake). */
  run(state: Pick<WakeState, "status" | "online" | "backoffPending">, link: WakeLink | null): void {
    const linkAlive = !!link && link.alive;
    const socketOpen = !!link && link.socketOpen;
    const decision = afterWake({ ...state, linkAlive, socketOpen, pingPending: this.timer.pending });
    if (decision === "reconnect") return this.rebuild();
    if (decision !== "ping" || !link) return;
    link.signal({ type: "ping" });
    this.timer.start(WAKE_CHECK_TIMEOUT_MS, () => this.rebuild());
  }

  /** The link answered: it survived the sleep. */
  pong(): void {
    this.timer.clear();
  }

  /** The link is gone: nothing to wait for. Safe to call twice. */
  stop(): void {
    this.timer.clear();
  }
}
