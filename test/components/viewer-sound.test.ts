import { expect } from "@esm-bundle/chai";
import { resetMouse, sendMouse } from "@web/test-runner-commands";
import type { ChannelEvent } from "../../protocol/index.js";
import type { PeerConnectionConstructor, WebSocketConstructor } from "../../viewer/src/connection/session-controller.js";
import type { JiomosaSoundControl } from "../../viewer/src/sound/sound-control.js";
import { SOUND_KEY } from "../../viewer/src/sound/sound-controller.js";
import "../../viewer/src/session-view/viewer.js";
import type { JiomosaViewer } from "../../viewer/src/session-view/viewer.js";
import {
  acceptOffer,
  FakeChannel,
  FakeEnvironment,
  fakeFetch,
  FakePeer,
  FakeSocket,
  MemoryStorage,
  receiveOn,
  waitFor,
} from "./session-fakes.js";

/** What the renderer sends for a kiosk with sound: a moving picture and an (Opus, here silent) audio track in one stream. */
function soundStream(audio: AudioContext): { stream: MediaStream; stop: () => void } {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  const ctx = canvas.getContext("2d")!;
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    ctx.fillStyle = n % 2 ? "#204080" : "#802040";
    ctx.fillRect(0, 0, 320, 240);
  }, 40);
  const stream = new MediaStream([
    ...canvas.captureStream(25).getVideoTracks(),
    ...audio.createMediaStreamDestination().stream.getAudioTracks(),
  ]);
  return {
    stream,
    stop: () => {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

/** The viewer with every network part faked (as in viewer-session.test.ts) and a stream with or without sound. */
describe("<jiomosa-viewer> sound", () => {
  let viewer: JiomosaViewer | undefined;
  let storage: MemoryStorage;
  let channel: FakeChannel;
  let audio: AudioContext;
  let source: { stream: MediaStream; stop: () => void };

  async function open(options: { sound?: boolean; reply?: Record<string, unknown> } = {}) {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    viewer = document.createElement("jiomosa-viewer");
    viewer.kiosk = "radio";
    viewer.touchScreen = false;
    viewer.connection = {
      baseUrl: "http://kiosk.test:8000",
      fetch: fakeFetch([], undefined, options.reply),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      storage,
      environment: new FakeEnvironment(),
    };
    viewer.style.cssText = "position:fixed;left:0;top:0;width:800px;height:600px";
    document.body.append(viewer);
    const socket = await waitFor(() => FakeSocket.instances.at(-1), "the signaling socket", 10_000);
    const offer = { type: "offer", offer: { type: "offer", sdp: "v=0" }, viewport: { width: 800, height: 548 } };
    ({ channel } = await acceptOffer(
      socket,
      offer,
      options.sound === false ? new MediaStream(source.stream.getVideoTracks()) : source.stream,
    ));
    await viewer.updateComplete;
  }

  const root = () => viewer!.shadowRoot!;
  const control = () => root().querySelector<JiomosaSoundControl>("jiomosa-sound-control");
  const part = <E extends Element>(testId: string) => control()?.shadowRoot?.querySelector<E>(`[data-testid="${testId}"]`) ?? null;
  // Booleans, not elements, in assertions: a failing chai assertion on a Lit element hangs the test browser.
  const shown = (testId: string) => part(testId) !== null;
  const video = () => root().querySelector("jiomosa-stream-view")!.video!;
  const receive = (event: ChannelEvent) =>
    receiveOn(
      channel,
      event,
      () => viewer!.updateComplete,
      () => control()?.updateComplete,
    );
  /** A real click (the browser counts it as the user's activation), at the middle of an element. */
  const click = async (element: Element) => {
    const rect = element.getBoundingClientRect();
    await sendMouse({ type: "click", position: [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)] });
    await viewer!.updateComplete;
    await control()?.updateComplete;
  };

  beforeEach(() => {
    storage = new MemoryStorage();
    audio = new AudioContext();
    source = soundStream(audio);
  });

  afterEach(async () => {
    viewer?.remove();
    viewer = undefined;
    source.stop();
    await audio.close();
    await resetMouse();
  });

  it("shows no sound control for a stream without sound", async () => {
    await open({ sound: false });
    expect(root().querySelector("nav.nav-bar") !== null).to.equal(true);
    expect(control() !== null).to.equal(false);
    expect(root().querySelector('[data-testid="sound-control"]') !== null).to.equal(false);
    expect(video().muted).to.equal(true);
  });

  it("shows the sound control at the end of the navigation bar for a stream with sound, muted", async () => {
    await open();
    const found = control()!;
    await found.updateComplete;
    expect(found.parentElement!.matches("nav.nav-bar")).to.equal(true);
    expect(root().querySelector('[data-testid="sound-control"]') === found).to.equal(true);
    expect(part("sound-toggle")!.getAttribute("aria-pressed")).to.equal("true");
    expect(shown("sound-volume")).to.equal(true);
    const bar = root().querySelector("nav.nav-bar")!.getBoundingClientRect();
    expect(found.getBoundingClientRect().right).to.be.closeTo(bar.right, 8);
    expect(video().muted).to.equal(true); // So it may autoplay.
  });

  it("turns the sound on with the first click on the page, and the video keeps playing", async () => {
    await open();
    await waitFor(() => !video().paused, "the muted video to autoplay", 10_000);
    await click(root().querySelector("jiomosa-stream-view")!);
    expect(video().muted).to.equal(false);
    expect(part("sound-toggle")!.getAttribute("aria-pressed")).to.equal("false");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(video().paused).to.equal(false);
  });

  it("remembers an explicit mute: the next viewer stays muted after a click", async () => {
    await open();
    await click(root().querySelector("jiomosa-stream-view")!);
    expect(video().muted).to.equal(false);
    await click(part("sound-toggle")!);
    expect(video().muted).to.equal(true);
    expect(part("sound-toggle")!.getAttribute("aria-pressed")).to.equal("true");
    expect(JSON.parse(storage.getItem(SOUND_KEY)!)).to.include({ muted: true });
    viewer!.remove();

    storage.removeItem("jiomosa.session.radio");
    await open();
    await receive({ type: "audio", playing: true });
    await click(root().querySelector("jiomosa-stream-view")!);
    expect(video().muted).to.equal(true);
    expect(shown("sound-hint")).to.equal(false);
    // The speaker still says the page plays sound.
    expect(control()!.hasAttribute("playing")).to.equal(true);
    await click(part("sound-toggle")!);
    expect(video().muted).to.equal(false);
  });

  it("sets the video's volume from the slider and remembers it", async () => {
    await open();
    const slider = part<HTMLInputElement>("sound-volume")!;
    slider.value = "0.3";
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    expect(video().volume).to.be.closeTo(0.3, 1e-6);
    expect(JSON.parse(storage.getItem(SOUND_KEY)!)).to.include({ volume: 0.3 });
    viewer!.remove();
    await open();
    expect(video().volume).to.be.closeTo(0.3, 1e-6);
    expect(part<HTMLInputElement>("sound-volume")!.value).to.equal("0.3");
  });

  it("shows when the page plays sound, and asks for a tap until there was one", async () => {
    await open();
    expect(control()!.hasAttribute("playing")).to.equal(false);
    expect(shown("sound-hint")).to.equal(false);

    await receive({ type: "audio", playing: true });
    expect(control()!.hasAttribute("playing")).to.equal(true);
    const hint = part<HTMLElement>("sound-hint")!;
    expect(hint.textContent).to.equal("Tap for sound");
    expect(hint.getBoundingClientRect().height).to.be.greaterThan(0);

    // A malformed event changes nothing.
    channel.onmessage?.({ data: JSON.stringify({ type: "audio", playing: "no" }) });
    await viewer!.updateComplete;
    expect(control()!.hasAttribute("playing")).to.equal(true);

    await receive({ type: "audio", playing: false });
    expect(control()!.hasAttribute("playing")).to.equal(false);
    expect(shown("sound-hint")).to.equal(false);

    await receive({ type: "audio", playing: true });
    expect(shown("sound-hint")).to.equal(true);
    await click(root().querySelector("jiomosa-stream-view")!);
    expect(shown("sound-hint")).to.equal(false);
    expect(control()!.hasAttribute("playing")).to.equal(true);
  });

  it("turns the sound on from the hint itself", async () => {
    await open();
    await receive({ type: "audio", playing: true });
    await click(part("sound-hint")!);
    expect(video().muted).to.equal(false);
    expect(shown("sound-hint")).to.equal(false);
  });

  it("floats a speaker button in the top-right corner when there is no navigation bar", async () => {
    await open({ reply: { ui: { navigationBar: false } } });
    const found = control()!;
    await found.updateComplete;
    expect(root().querySelector("nav.nav-bar") !== null).to.equal(false);
    expect(found.hasAttribute("floating")).to.equal(true);
    expect(getComputedStyle(found).position).to.equal("absolute");
    const rect = found.getBoundingClientRect();
    expect(rect.top).to.be.lessThan(30);
    expect(rect.right).to.be.greaterThan(760);
    expect(shown("sound-volume")).to.equal(false);
    await click(part("sound-toggle")!);
    expect(video().muted).to.equal(false);
    expect(part("sound-toggle")!.getAttribute("aria-pressed")).to.equal("false");
  });

  it("shows the renderer's notice when sound could not be set up", async () => {
    await open({ sound: false });
    await receive({ type: "notice", code: "audio_unavailable", message: "Sound is not available for this page." });
    expect(root().querySelector('.notice[data-code="audio_unavailable"]')!.textContent).to.equal("Sound is not available for this page.");
  });
});
