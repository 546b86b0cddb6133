/**
 * Typed errors that carry a reason and a message, nothing about any transport. Core modules
 * throw them; the HTTP error middleware (http/error-status.ts) and the WebSocket paths
 * (error-codes.ts) each turn a reason into their own reply through one table.
 * Anything else is an internal error and its message is not shown to clients.
 */
export type AppErrorReason =
  | "bad_request"
  | "not_found"
  | "unknown_kiosk"
  | "session_not_found"
  /** The session closed while a request on it was under way. */
  | "session_closed"
  | "session_exists"
  | "url_not_allowed"
  | "too_many_sessions"
  /** The client already holds `sessions.maxPerClient` sessions. */
  | "client_session_quota"
  /** A session already has `sessions.maxViewersPerSession` viewers. */
  | "too_many_viewers"
  | "navigation_failed"
  | "browser_unavailable"
  | "payload_too_large"
  | "unsupported_media_type"
  | "auth_required"
  | "wrong_pin"
  | "too_many_attempts"
  | "forbidden"
  | "cross_site_request"
  | "misdirected_request"
  | "rate_limited"
  /** The viewer's files are missing (the appliance was not built). */
  | "viewer_not_built"
  | "internal";

export class AppError extends Error {
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    /** Extra reply headers, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** A refused WebSocket upgrade: the HTTP status line and a one-line reason (http/ decides, signaling/ and fallback/ answer). */
export interface UpgradeRefusal {
  status: string;
  message: string;
}
