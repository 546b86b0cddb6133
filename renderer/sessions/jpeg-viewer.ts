/**
 * A viewer on the WebSocket picture path (renderer/fallback/): it takes the page's JPEG frames
 * as captured, with no video encoder, and the same page events as a WebRTC peer.
 */
import type { ChannelEvent } from "../../protocol/index.js";

export interface JpegViewer {
  /** The newest frame, base64 JPEG as the capture produced it; the viewer paces its own sends. */
  pushJpeg(jpegBase64: string): void;
  sendEvent(event: ChannelEvent): void;
}
