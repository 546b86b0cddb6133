/**
 * The one place a core error's reason becomes an HTTP reply: its status and the `error.code`
 * clients read. Most reasons are their own code; a few reasons share a code but not a status
 * (a client over its quota is told to slow down, an appliance that is full is unavailable).
 */
import type { AppErrorReason } from "../errors.js";

interface HttpError {
  status: number;
  /** The reply's `error.code` when it is not the reason itself. */
  code?: string;
}

const HTTP_ERRORS: Record<AppErrorReason, HttpError> = {
  bad_request: { status: 400 },
  auth_required: { status: 401 },
  wrong_pin: { status: 401 },
  forbidden: { status: 403 },
  cross_site_request: { status: 403 },
  url_not_allowed: { status: 403 },
  not_found: { status: 404 },
  unknown_kiosk: { status: 404 },
  session_not_found: { status: 404 },
  session_exists: { status: 409 },
  session_closed: { status: 410, code: "session_not_found" },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  misdirected_request: { status: 421 },
  rate_limited: { status: 429 },
  too_many_attempts: { status: 429 },
  client_session_quota: { status: 429, code: "too_many_sessions" },
  internal: { status: 500 },
  navigation_failed: { status: 502 },
  browser_unavailable: { status: 503 },
  too_many_sessions: { status: 503 },
  too_many_viewers: { status: 503 },
  viewer_not_built: { status: 503, code: "internal" },
};

/** The HTTP status and reply code for a core error's reason. */
export function httpError(reason: AppErrorReason): { status: number; code: string } {
  const { status, code } = HTTP_ERRORS[reason];
  return { status, code: code ?? reason };
}
