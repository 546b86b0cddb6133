import { expect } from "@esm-bundle/chai";
import { LINK_CALM_MS, LINK_POLL_MS, STALL_MS } from "../../viewer/src/connection/link-quality.js";
import type { PeerConnectionConstructor, WebSocketConstructor } from "../../viewer/src/connection/session-controller.js";
import "../../viewer/src/session-view/viewer.js";
import type { JiomosaViewer } from "../../viewer/src/session-view/viewer.js";
import { acceptOffer, FakeEnvironment, fakeFetch, FakePeer, FakeSocket, ManualTimers, MemoryStorage, settle } from "./session-fakes.js";

/**
 * The "weak connection" hint: it shows when the viewer's own receiver figures say the picture
 * froze, stalled or lost many packets, and leaves by itself once frames flow calmly again,
 * without a reload (same peer, same session).
 */
describe("<jiomosa-viewer> weak-connection hint", () => {
  let viewer: JiomosaViewer;
  let timers: ManualTimers;
  let peer: FakePeer;
  let frames = 0;
  let freezes = 0;
  let lost = 0;
  let received = 0;

  async function open() {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    timers = new ManualTimers();
    viewer = document.createElement("jiomosa-viewer");
    viewer.kiosk = "clock";
    viewer.connection = {
      baseUrl: "http://kiosk.test:8000",
      fetch: fakeFetch([]),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      timers,
      storage: new MemoryStorage(),
      environment: new FakeEnvironment(),
    };
    viewer.style.cssText = "position:fixed;left:0;top:0;width:800px;height:600px";
    document.body.append(viewer);
    let socket: FakeSocket | undefined;
    for (let i = 0; i < 100 && !(socket = FakeSocket.instances.at(-1)); i++) await settle();
    ({ peer } = await acceptOffer(socket!, { type: "offer", offer: { type: "offer", sdp: "v=0" }, viewport: { width: 800, height: 548 } }));
    frames = freezes = lost = received = 0;
  }

  /** One poll period in which the page got `framesDecoded` frames and the link did as told. */
  async function second(change: { frames?: number; freeze?: boolean; lostShare?: number } = {}) {
    frames += change.frames ?? 30;
    if (change.freeze) freezes++;
    const packets = 300;
    const lostNow = Math.round(packets * (change.lostShare ?? 0));
    lost += lostNow;
    received += packets - lostNow;
    peer.setVideoReceived({ framesDecoded: frames, freezeCount: freezes, packetsReceived: received, packetsLost: lost });
    timers.advance(LINK_POLL_MS);
    await settle();
    await viewer.updateComplete;
  }

  const hint = () => viewer.shadowRoot!.querySelector<HTMLElement>(".weak-link");

  afterEach(() => viewer?.remove());

  it("shows after a freeze and leaves once the picture flows calmly again", async () => {
    await open();
    await second();
    await second();
    expect(hint()).to.equal(null, "a healthy link shows nothing");
    await second({ freeze: true });
    expect(hint()?.textContent).to.match(/weak connection/i);
    // The hint is thin and lets taps through to the picture.
    const box = hint()!.getBoundingClientRect();
    expect(box.height).to.be.below(30);
    expect(getComputedStyle(hint()!).pointerEvents).to.equal("none");
    for (let t = 0; t < LINK_CALM_MS - LINK_POLL_MS; t += LINK_POLL_MS) await second();
    expect(hint(), "still within the calm period").to.not.equal(null);
    await second();
    expect(hint()).to.equal(null);
    expect(FakePeer.instances.length).to.equal(1, "recovered on the same connection, no reload");
  });

  it("shows when many packets are lost, before any freeze", async () => {
    await open();
    await second();
    await second({ lostShare: 0.02 });
    expect(hint()).to.equal(null, "a little loss is absorbed");
    await second({ lostShare: 0.12 });
    expect(hint()).to.not.equal(null);
  });

  it("shows when no frame is decoded for a while", async () => {
    await open();
    await second();
    for (let t = 0; t < STALL_MS; t += LINK_POLL_MS) await second({ frames: 0 });
    expect(hint()).to.not.equal(null);
    // A static page's one frame a second is no stall.
    for (let t = 0; t <= LINK_CALM_MS; t += LINK_POLL_MS) await second({ frames: 1 });
    expect(hint()).to.equal(null);
  });
});
