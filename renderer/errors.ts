/**
 * Typed errors that carry an HTTP status and a machine-readable code. Core modules throw them;
 * the HTTP error middleware and the signaling server turn them into replies. Anything else is
 * an internal error and its message is not shown to clients.
 */
export type AppErrorCode =
  | "bad_request"
  | "not_found"
  | "unknown_kiosk"
  | "session_not_found"
  | "session_exists"
  | "url_not_allowed"
  | "too_many_sessions"
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
  | "internal";

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: AppErrorCode,
    message: string,
    /** Extra reply headers, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}
