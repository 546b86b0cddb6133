/**
 * Which way the picture travels: WebRTC video where the browser can receive it, else JPEG frames
 * on a WebSocket (jpeg-link.ts). The session controller starts with the choice made here and
 * falls back when WebRTC fails on the tablet's network.
 */
import type { PeerConnectionConstructor } from "./peer-link.js";

/**
 * A WebRTC attempt that has no picture this long after it began (every ICE path
 * blocked, a decoder that never starts) gives way to the WebSocket picture path.
 */
export const WEBRTC_CONNECT_TIMEOUT_MS = 15_000;
export const FALLBACK_MESSAGE = "Video over WebRTC does not work here; showing the page over the WebSocket instead…";

/** How the picture travels: WebRTC video, or JPEG frames on a WebSocket (jpeg-link.ts). */
export type Transport = "webrtc" | "websocket";

/** Whether this browser can receive the renderer's WebRTC video at all. */
export function webRtcUsable(PeerCtor: PeerConnectionConstructor | undefined): boolean {
  if (typeof PeerCtor !== "function") return false;
  // Where the browser says which codecs it decodes, VP8 must be one (the renderer sends nothing else).
  const receiver = (globalThis as { RTCRtpReceiver?: { getCapabilities?: (kind: string) => RTCRtpCapabilities | null } }).RTCRtpReceiver;
  if (typeof receiver?.getCapabilities !== "function") return true;
  const codecs = receiver.getCapabilities("video")?.codecs ?? [];
  return codecs.some((codec) => codec.mimeType.toLowerCase() === "video/vp8");
}
