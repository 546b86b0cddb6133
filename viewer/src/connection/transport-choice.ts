/**
 * When the picture takes the WebSocket path instead of WebRTC, decided without side effects so
 * every case can be tested: at once where the browser cannot receive WebRTC video (no
 * RTCPeerConnection, no VP8) or the page asks for it (`?transport=websocket`); later only when
 * WebRTC fails before its first picture, by the peer's own failure or by WEBRTC_CONNECT_TIMEOUT_MS
 * without a picture. "auto" alone may switch: a transport the page asked for is kept.
 */
import type { Transport } from "./transport.js";

/** What the browser can do, as transport.ts and jpeg-link.ts find out. */
export interface TransportAbilities {
  /** RTCPeerConnection exists and, where the browser says, decodes VP8. */
  readonly webRtcUsable: boolean;
  /** A canvas stream and createImageBitmap exist, so the WebSocket path can show its frames. */
  readonly canvasUsable: boolean;
}

/** The transport a session starts with. */
export function initialTransport(requested: Transport | "auto", abilities: TransportAbilities): Transport {
  if (requested !== "auto") return requested;
  return !abilities.webRtcUsable && abilities.canvasUsable ? "websocket" : "webrtc";
}

/** What the controller knows about the current attempt when deciding on a switch. */
export interface FallbackState {
  /** The transport was left to the viewer ("auto"), not asked for. */
  readonly auto: boolean;
  readonly transport: Transport;
  readonly canvasUsable: boolean;
  /** WebRTC showed a picture once here: later failures are the network's moods, not a reason to switch. */
  readonly webRtcWorked: boolean;
  /** The current attempt shows a picture. */
  readonly streaming: boolean;
}

function mayFallBack(state: FallbackState): boolean {
  return state.auto && state.transport === "webrtc" && !state.webRtcWorked && state.canvasUsable && !state.streaming;
}

/** Whether a WebRTC attempt starts the WEBRTC_CONNECT_TIMEOUT_MS clock (it only matters where a switch is possible). */
export function watchesConnectTimeout(state: Pick<FallbackState, "auto" | "transport" | "canvasUsable">): boolean {
  return state.auto && state.transport === "webrtc" && state.canvasUsable;
}

/**
 * The link said it failed. With its signaling socket still open, the failure is WebRTC's own (the
 * network or the browser cannot do it): switch. A closed socket is a lost server: reconnect.
 */
export function afterLinkLost(state: FallbackState & { readonly socketOpen: boolean }): "fall-back" | "reconnect" {
  return state.socketOpen && mayFallBack(state) ? "fall-back" : "reconnect";
}

/** WEBRTC_CONNECT_TIMEOUT_MS passed since the attempt began. */
export function afterConnectTimeout(state: FallbackState): "fall-back" | "nothing" {
  return mayFallBack(state) ? "fall-back" : "nothing";
}
