/**
 * The session's transport over its life: it starts as transport-choice.ts decides, each WebRTC
 * attempt is watched for its first picture, and it switches once to the WebSocket picture path
 * where WebRTC cannot work. It holds only the watch's timer; the controller, which owns the
 * connections, makes the switch (teardown, then the same session again).
 */
import { canStreamCanvas } from "./jpeg-link.js";
import type { ControllerDeps } from "./session-controller-options.js";
import { TimerSlot } from "./timers.js";
import { type Transport, WEBRTC_CONNECT_TIMEOUT_MS, webRtcUsable } from "./transport.js";
import { afterConnectTimeout, afterLinkLost, type FallbackState, initialTransport, watchesConnectTimeout } from "./transport-choice.js";

export class TransportFallback {
  private current: Transport;
  /** WebRTC showed a picture here once: later failures are the network's moods, not a reason to switch. */
  private webRtcWorked = false;
  private readonly timer: TimerSlot;

  constructor(
    private readonly requested: Transport | "auto",
    deps: Pick<ControllerDeps, "RTCPeerConnection" | "timers">,
    /** Whether the current attempt shows a picture. */
    private readonly streaming: () => boolean,
    /** Makes the switch: the same session again over the WebSocket picture path. */
    private readonly fallBack: () => void,
  ) {
    this.current = initialTransport(requested, { webRtcUsable: webRtcUsable(deps.RTCPeerConnection), canvasUsable: canStreamCanvas() });
    this.timer = new TimerSlot(deps.timers);
  }

  get transport(): Transport {
    return this.current;
  }

  /** An attempt began: on WebRTC, the switch is made if it shows no picture within WEBRTC_CONNECT_TIMEOUT_MS. */
  watch(): void {
    if (!watchesConnectTimeout(this.state())) return;
    this.timer.start(WEBRTC_CONNECT_TIMEOUT_MS, () => {
      if (afterConnectTimeout(this.state()) === "fall-back") this.fallBack();
    });
  }

  /** The current link failed: switch transports, or reconnect on the same one. */
  afterLinkLost(socketOpen: boolean): "fall-back" | "reconnect" {
    return afterLinkLost({ ...this.state(), socketOpen });
  }

  /** The attempt shows a picture: the watch ends, and a working WebRTC is never given up later. */
  pictureShown(): void {
    this.timer.clear();
    if (this.current === "webrtc") this.webRtcWorked = true;
  }

  switchToWebSocket(): void {
    this.timer.clear();
    this.current = "websocket";
  }

  /** The attempt ended: nothing to watch. Safe to call twice. */
  stop(): void {
    this.timer.clear();
  }

  private state(): FallbackState {
    return {
      auto: this.requested === "auto",
      transport: this.current,
      canvasUsable: canStreamCanvas(),
      webRtcWorked: this.webRtcWorked,
      streaming: this.streaming(),
    };
  }
}
