import { expect } from "@esm-bundle/chai";
import {
  FALLBACK_MESSAGE,
  type PeerConnectionConstructor,
  SessionController,
  WEBRTC_CONNECT_TIMEOUT_MS,
  type Transport,
  type WebSocketConstructor,
} from "../../viewer/src/connection/session-controller.js";
import { webRtcUsable } from "../../viewer/src/connection/transport.js";
import { withoutExtmapAllowMixed } from "../../viewer/src/connection/peer-link.js";
import {
  acceptOffer,
  type Call,
  FakeEnvironment,
  FakeHost,
  fakeFetch,
  FakePeer,
  FakeSocket,
  ManualTimers,
  MemoryStorage,
  settle,
  waitFor,
} from "./session-fakes.js";

const OFFER = { type: "offer", offer: { type: "offer", sdp: "v=0 offer-1" }, iceServers: [], viewport: { width: 1024, height: 768 } };

/** A real JPEG of `width`×`height`, as the renderer sends one. */
async function jpeg(width: number, height: number): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")!.fillRect(0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob!), "image/jpeg"));
}

describe("SessionController: the WebSocket picture path", () => {
  let host: FakeHost;
  let timers: ManualTimers;
  let calls: Call[];
  let controller: SessionController;

  function create(transport: Transport | "auto" = "auto") {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    host = new FakeHost();
    timers = new ManualTimers();
    calls = [];
    controller = new SessionController(host, {
      target: () => ({ kiosk: "clock" }),
      baseUrl: "https://kiosk.test:8443",
      fetch: fakeFetch(calls),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      timers,
      storage: new MemoryStorage(),
      environment: new FakeEnvironment(),
      transport,
    });
  }

  afterEach(() => controller?.hostDisconnected());

  it("joins on /ws/jpeg, shows drawn frames as a stream, acknowledges each and sends input on the socket", async () => {
    create("websocket");
    controller.hostConnected();
    await settle();
    const socket = FakeSocket.instances[0]!;
    expect(socket.url).to.equal("wss://kiosk.test:8443/ws/jpeg");
    socket.open();
    expect(socket.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
    socket.receive({ type: "joined", session_id: "s1", viewport: { width: 640, height: 480 } });
    expect(controller.viewport).to.deep.equal({ width: 640, height: 480 });
    socket.onmessage?.({ data: (await jpeg(640, 480)) as unknown as string });
    await waitFor(() => controller.status === "streaming", "streaming from the first frame");
    expect(controller.stream?.getVideoTracks()).to.have.length(1);
    await waitFor(() => socket.ofType("ack").length === 1, "the frame's ack");
    expect(controller.send({ type: "click", x: 10, y: 20 })).to.equal(true);
    expect(socket.ofType("input")).to.deep.equal([{ type: "input", input: { type: "click", x: 10, y: 20 } }]);
    expect(FakePeer.instances).to.have.length(0);
  });

  it("reads the picture path's messages with the protocol's reader: invalid_input is a rejected input, malformed ones are dropped", async () => {
    create("websocket");
    controller.hostConnected();
    await settle();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.receive({ type: "joined", session_id: "s1", viewport: { width: 0, height: 480 } });
    expect(controller.viewport).to.deep.equal({ width: 1280, height: 720 });
    socket.receive({ type: "error", code: "no_such_code", message: "x" });
    expect(controller.status).to.equal("connecting");
    socket.receive({ type: "error", code: "invalid_input", message: "input.x: is required" });
    expect(controller.notice).to.equal("Input rejected: input.x: is required");
    expect(controller.status).to.equal("connecting");
    socket.receive({ type: "joined", session_id: "s1", viewport: { width: 640, height: 480 } });
    expect(controller.viewport).to.deep.equal({ width: 640, height: 480 });
  });

  it("acknowledges a frame skipped for a newer one, so the server may send again", async () => {
    create("websocket");
    controller.hostConnected();
    await settle();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    const frame = await jpeg(64, 48);
    for (let i = 0; i < 3; i++) socket.onmessage?.({ data: frame as unknown as string });
    await waitFor(() => socket.ofType("ack").length === 3, "three acks for three frames");
  });

  it("a WebRTC peer that fails before its first picture gives way to the picture path, same session", async () => {
    create();
    controller.hostConnected();
    await settle();
    const signaling = FakeSocket.instances[0]!;
    signaling.open();
    signaling.receive(OFFER);
    await settle();
    FakePeer.instances[0]!.setState("failed");
    expect(controller.notice).to.equal(FALLBACK_MESSAGE);
    await settle();
    const picture = FakeSocket.instances[1]!;
    expect(picture.url).to.equal("wss://kiosk.test:8443/ws/jpeg");
    picture.open();
    expect(picture.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
    expect(controller.transport).to.equal("websocket");
  });

  it("no WebRTC picture within the timeout: the picture path", async () => {
    create();
    controller.hostConnected();
    await settle();
    FakeSocket.instances[0]!.open();
    timers.advance(WEBRTC_CONNECT_TIMEOUT_MS - 1);
    expect(FakeSocket.instances).to.have.length(1);
    timers.advance(1);
    await settle();
    expect(FakeSocket.instances.at(-1)!.url).to.equal("wss://kiosk.test:8443/ws/jpeg");
  });

  it("once WebRTC has shown a picture, a later failure reconnects on WebRTC", async () => {
    create();
    controller.hostConnected();
    await settle();
    const { peer } = await acceptOffer(FakeSocket.instances[0]!, OFFER);
    expect(controller.status).to.equal("streaming");
    peer.setState("failed");
    timers.advance(10_000);
    await settle();
    expect(FakeSocket.instances.at(-1)!.url).to.equal("wss://kiosk.test:8443/ws/signaling");
    expect(controller.transport).to.equal("webrtc");
  });

  it("?transport=webrtc never falls back", async () => {
    create("webrtc");
    controller.hostConnected();
    await settle();
    FakeSocket.instances[0]!.open();
    timers.advance(WEBRTC_CONNECT_TIMEOUT_MS * 2);
    await settle();
    expect(FakeSocket.instances.every((s) => s.url.endsWith("/ws/signaling"))).to.equal(true);
  });
});

describe("transport helpers", () => {
  it("WebRTC is unusable without RTCPeerConnection", () => {
    expect(webRtcUsable(undefined)).to.equal(false);
    expect(webRtcUsable(FakePeer as unknown as PeerConnectionConstructor)).to.equal(true);
  });

  it("drops a=extmap-allow-mixed, which Chrome 70 and older cannot parse, and nothing else", () => {
    const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS s\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
    expect(withoutExtmapAllowMixed(sdp)).to.equal(
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=msid-semantic: WMS s\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n",
    );
  });
});
