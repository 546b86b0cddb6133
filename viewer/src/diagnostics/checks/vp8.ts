/** `vp8`: can this browser receive the stream's codec. */
import { type CheckOutcome, fail, NO_WEBRTC_HINT, pass } from "./common.js";

export function checkVp8(capabilities: RTCRtpCapabilities | null): CheckOutcome {
  if (!capabilities) return fail("This browser does not say which video it can receive (WebRTC is missing or too old).", NO_WEBRTC_HINT);
  const vp8 = capabilities.codecs.some((codec) => codec.mimeType.toLowerCase() === "video/vp8");
  return vp8 ? pass("This browser can receive VP8 video.") : fail("This browser cannot receive VP8 video.", NO_WEBRTC_HINT);
}
