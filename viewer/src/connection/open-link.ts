/** The link of one attempt, on the session's transport: signaling plus a WebRTC peer, or the WebSocket picture path. */
import { JPEG_STREAM_PATH } from "../../../protocol/index.js";
import { socketUrl } from "./endpoint-url.js";
import { JpegLink } from "./jpeg-link.js";
import type { ControllerDeps } from "./session-controller-options.js";
import { SessionLink, type SessionLinkEvents } from "./session-link.js";
import type { Transport } from "./transport.js";

/** Either link offers the same surface and reports the same events, so the controller needs no second code path. */
export type Link = SessionLink | JpegLink;

/** Throws when the socket cannot even be constructed (a malformed URL). */
export function openLink(
  transport: Transport,
  deps: ControllerDeps,
  session: { id: string; signalingPath: string },
  events: SessionLinkEvents,
): Link {
  const { WebSocket, RTCPeerConnection, timers, canvas, baseUrl } = deps;
  if (transport === "webrtc") {
    return new SessionLink({ WebSocket, RTCPeerConnection, timers }, socketUrl(baseUrl, session.signalingPath), session.id, events);
  }
  return new JpegLink({ WebSocket, timers, ...(canvas ? { canvas } : {}) }, socketUrl(baseUrl, JPEG_STREAM_PATH), session.id, events);
}
