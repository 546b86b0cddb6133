/**
 * The one place a core error's reason becomes a wire error code for the WebSocket paths
 * (signaling and the JPEG fallback). Reasons are matched by name, never by HTTP status: two
 * reasons can share a status (a full appliance and a full session are both 503) and still
 * mean different things to the viewer.
 */
import type { ErrorCode } from "../protocol/index.js";
import type { AppErrorReason } from "./errors.js";

const WIRE_CODES: Partial<Record<AppErrorReason, ErrorCode>> = {
  session_not_found: "unknown_session",
  session_closed: "unknown_session",
  too_many_viewers: "too_many_viewers",
};

/** The wire code for a core error; `fallback` covers reasons the viewer has no code for. */
export function wireCode(reason: AppErrorReason, fallback: ErrorCode): ErrorCode {
  return WIRE_CODES[reason] ?? fallback;
}
