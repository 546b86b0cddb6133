import { expect } from "@esm-bundle/chai";
import {
  afterConnectTimeout,
  afterLinkLost,
  type FallbackState,
  initialTransport,
  watchesConnectTimeout,
} from "../../viewer/src/connection/transport-choice.js";

const capable = { webRtcUsable: true, canvasUsable: true } as const;

describe("initialTransport", () => {
  it("takes WebRTC where the browser receives it", () => {
    expect(initialTransport("auto", capable)).to.equal("webrtc");
  });

  it("takes the picture path at once without RTCPeerConnection or VP8", () => {
    expect(initialTransport("auto", { webRtcUsable: false, canvasUsable: true })).to.equal("websocket");
  });

  it("stays on WebRTC when the picture path could not draw either", () => {
    expect(initialTransport("auto", { webRtcUsable: false, canvasUsable: false })).to.equal("webrtc");
  });

  it("keeps what the page asked for (?transport=websocket or webrtc), whatever the browser can do", () => {
    expect(initialTransport("websocket", capable)).to.equal("websocket");
    expect(initialTransport("websocket", { webRtcUsable: true, canvasUsable: false })).to.equal("websocket");
    expect(initialTransport("webrtc", { webRtcUsable: false, canvasUsable: true })).to.equal("webrtc");
  });
});

describe("falling back from WebRTC", () => {
  const waiting: FallbackState = { auto: true, transport: "webrtc", canvasUsable: true, webRtcWorked: false, streaming: false };

  it("watches only a WebRTC attempt under auto that could switch", () => {
    expect(watchesConnectTimeout(waiting)).to.equal(true);
    expect(watchesConnectTimeout({ ...waiting, auto: false })).to.equal(false);
    expect(watchesConnectTimeout({ ...waiting, transport: "websocket" })).to.equal(false);
    expect(watchesConnectTimeout({ ...waiting, canvasUsable: false })).to.equal(false);
  });

  it("switches when the peer fails before its first picture while the signaling socket is up", () => {
    expect(afterLinkLost({ ...waiting, socketOpen: true })).to.equal("fall-back");
  });

  it("reconnects when the socket itself went: that is the server, not WebRTC", () => {
    expect(afterLinkLost({ ...waiting, socketOpen: false })).to.equal("reconnect");
  });

  it("switches when the connect timeout passes without a picture", () => {
    expect(afterConnectTimeout(waiting)).to.equal("fall-back");
    expect(afterConnectTimeout({ ...waiting, streaming: true })).to.equal("nothing");
  });

  it("never gives up a WebRTC that has shown a picture here", () => {
    const worked = { ...waiting, webRtcWorked: true };
    expect(afterLinkLost({ ...worked, socketOpen: true })).to.equal("reconnect");
    expect(afterConnectTimeout(worked)).to.equal("nothing");
  });

  it("does not switch a transport the page asked for, one already on the picture path, or without a canvas stream", () => {
    for (const state of [
      { ...waiting, auto: false },
      { ...waiting, transport: "websocket" as const },
      { ...waiting, canvasUsable: false },
    ]) {
      expect(afterLinkLost({ ...state, socketOpen: true })).to.equal("reconnect");
      expect(afterConnectTimeout(state)).to.equal("nothing");
    }
  });

  it("does not switch a link that is streaming", () => {
    expect(afterLinkLost({ ...waiting, streaming: true, socketOpen: true })).to.equal("reconnect");
  });
});
