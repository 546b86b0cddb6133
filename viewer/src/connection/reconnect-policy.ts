/** First reconnect delay; each further attempt doubles it up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_BASE_DELAY_MS = 1_000;
export const RECONNECT_MAX_DELAY_MS = 10_000;

/** What the controller knows when a link to the session drops. */
export interface ReconnectState {
  /** Reconnects tried since the last one that worked. */
  readonly attempts: number;
  /** Whether the tablet has a network at all. */
  readonly online: boolean;
}

/** Wait out the network, or wait `delayMs` and rejoin the same session with `attempts` counted. */
export type ReconnectDecision =
  { readonly kind: "offline" } | { readonly kind: "wait"; readonly delayMs: number; readonly attempts: number };

/** Decides what a lost connection leads to; pure, so the backoff can be tested without timers. */
export function afterConnectionLost(state: ReconnectState): ReconnectDecision {
  if (!state.online) return { kind: "offline" };
  const delayMs = Math.min(RECONNECT_BASE_DELAY_MS * 2 ** state.attempts, RECONNECT_MAX_DELAY_MS);
  return { kind: "wait", delayMs, attempts: state.attempts + 1 };
}

/** What the controller knows when the tablet wakes from sleep. */
export interface WakeState {
  readonly status: "creating" | "connecting" | "streaming" | "reconnecting" | "offline" | "error" | "closed";
  readonly online: boolean;
  /** A reconnect is waiting out its backoff. */
  readonly backoffPending: boolean;
  /** The current link exists and has not said it failed. */
  readonly linkAlive: boolean;
  readonly socketOpen: boolean;
  /** A ping sent after an earlier wake is still waiting for its pong. */
  readonly pingPending: boolean;
}

/**
 * After sleep the socket and the peer may be dead without having said so (their timers were
 * frozen too): a dead link, or one waiting out a backoff, is rebuilt at once; one that looks
 * alive must answer a ping.
 */
export function afterWake(state: WakeState): "reconnect" | "ping" | "nothing" {
  if (state.status === "offline") return state.online ? "reconnect" : "nothing";
  if (state.status === "reconnecting" && state.backoffPending) return "reconnect";
  if (state.status !== "streaming" && state.status !== "connecting") return "nothing";
  if (!state.linkAlive) return "reconnect";
  return state.socketOpen && !state.pingPending ? "ping" : "nothing";
}
