/**
 * The session controller's recovery decisions, pure so each case can be tested without timers or
 * sockets: a lost connection, the network going and coming, a wake from sleep, a server error.
 */
import type { ErrorCode } from "../../../protocol/index.js";

/** First reconnect delay; each further attempt doubles it up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_BASE_DELAY_MS = 1_000;
export const RECONNECT_MAX_DELAY_MS = 10_000;

/** A server that keeps forgetting fresh sessions is broken; stop recreating after this many in a row. */
export const MAX_SESSION_RECREATES = 3;

export type SessionStatus = "creating" | "connecting" | "streaming" | "reconnecting" | "offline" | "error" | "closed";

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
  readonly status: SessionStatus;
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

/** The tablet lost its network: wait for it, unless there is nothing to recover (failed or closed). */
export function afterOffline(status: SessionStatus): "go-offline" | "nothing" {
  return status === "error" || status === "closed" ? "nothing" : "go-offline";
}

/** The network is back: a session waiting for it, or waiting out a backoff, reconnects at once. */
export function afterOnline(status: SessionStatus): "reconnect" | "nothing" {
  return status === "offline" || status === "reconnecting" ? "reconnect" : "nothing";
}

/** What the controller knows when the renderer replies with an error. */
export interface ServerErrorState {
  readonly code: ErrorCode;
  readonly status: SessionStatus;
  /** Sessions recreated in a row without one that streamed. */
  readonly recreates: number;
}

/**
 * A session the renderer no longer has (idle timeout, restart) is recreated, up to
 * MAX_SESSION_RECREATES in a row; while streaming, any other error is only a notice; before
 * that, it counts as a lost connection.
 */
export type ServerErrorDecision =
  | { readonly kind: "recreate"; readonly recreates: number }
  | { readonly kind: "fail"; readonly recreates: number }
  | { readonly kind: "notice" }
  | { readonly kind: "reconnect" };

export function afterServerError(state: ServerErrorState): ServerErrorDecision {
  if (state.code === "unknown_session" || state.code === "session_closed") {
    const recreates = state.recreates + 1;
    return recreates > MAX_SESSION_RECREATES ? { kind: "fail", recreates } : { kind: "recreate", recreates };
  }
  return state.status === "streaming" ? { kind: "notice" } : { kind: "reconnect" };
}
