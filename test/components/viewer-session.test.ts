import { expect } from "@esm-bundle/chai";
import type { ChannelEvent, InputMessage } from "../../protocol/index.js";
import { RESIZE_DEBOUNCE_MS } from "../../viewer/src/session-view/viewport-follower.js";
import type { PeerConnectionConstructor, WebSocketConstructor } from "../../viewer/src/connection/session-controller.js";
import "../../viewer/src/session-view/viewer.js";
import type { JiomosaViewer } from "../../viewer/src/session-view/viewer.js";
import {
  acceptOffer,
  type Call,
  FakeChannel,
  FakeEnvironment,
  fakeFetch,
  FakePeer,
  FakeSocket,
  ManualTimers,
  MemoryStorage,
  receiveOn,
  waitFor,
} from "./session-fakes.js";

/** Manual time that also counts how often the resize debounce was (re)armed, so a test knows the observer saw a size. */
class DebounceTimers extends ManualTimers {
  debounces = 0;
  override setTimeout(callback: () => void, ms: number): unknown {
    if (ms === RESIZE_DEBOUNCE_MS) this.debounces++;
    return super.setTimeout(callback, ms);
  }
}

/** The viewer with every network part faked: a 800×600 tablet, the session streams, the input channel is open. */
describe("<jiomosa-viewer> with a live session", () => {
  let viewer: JiomosaViewer;
  let calls: Call[];
  let storage: MemoryStorage;
  let environment: FakeEnvironment;
  let channel: FakeChannel;

  async function open(options: { reply?: Record<string, unknown>; touchScreen?: boolean; height?: number; timers?: ManualTimers } = {}) {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    calls = [];
    storage ??= new MemoryStorage();
    environment = new FakeEnvironment();
    viewer = document.createElement("jiomosa-viewer");
    viewer.kiosk = "clock";
    viewer.touchScreen = options.touchScreen ?? false;
    viewer.connection = {
      baseUrl: "http://kiosk.test:8000",
      fetch: fakeFetch(calls, undefined, options.reply),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      storage,
      environment,
      ...(options.timers ? { timers: options.timers } : {}),
    };
    viewer.style.cssText = `position:fixed;left:0;top:0;width:800px;height:${options.height ?? 600}px`;
    document.body.append(viewer);
    const socket = await waitFor(() => FakeSocket.instances.at(-1), "the signaling socket");
    const body = (calls[0]?.body ?? {}) as { width?: number; height?: number };
    ({ channel } = await acceptOffer(socket, {
      type: "offer",
      offer: { type: "offer", sdp: "v=0" },
      viewport: { width: body.width ?? 1280, height: body.height ?? 720 },
    }));
    await viewer.updateComplete;
    return socket;
  }

  const root = () => viewer.shadowRoot!;
  const sent = () => channel.sent.map((text) => JSON.parse(text) as InputMessage);
  const receive = (event: ChannelEvent) => receiveOn(channel, event, () => viewer.updateComplete);
  const inner = <E extends Element>(host: string, selector: string) =>
    root().querySelector(host)?.shadowRoot?.querySelector<E>(selector) ?? null;

  beforeEach(() => {
    storage = new MemoryStorage();
  });

  afterEach(() => viewer?.remove());

  it("creates the session with the size of the area below the navigation bar", async () => {
    await open();
    expect(calls[0]!.body).to.deep.equal({ kiosk: "clock", width: 800, height: 548 });
    const area = root().querySelector("jiomosa-stream-view")!.getBoundingClientRect();
    expect([area.width, area.height]).to.deep.equal([800, 548]);
    expect(root().querySelector<HTMLElement>(".overlay")).to.equal(null); // Streaming.
    // The exit to the launcher sits in the bar, first.
    const exit = root().querySelector<HTMLButtonElement>("button.home")!;
    expect(exit.parentElement!.matches("nav.nav-bar")).to.equal(true);
    expect(exit.parentElement!.firstElementChild).to.equal(exit);
    expect(sent()).to.deep.equal([]); // Sizes match: nothing to resize.
  });

  it("has no navigation bar when the appliance turns it off; the exit button floats", async () => {
    await open({ reply: { ui: { navigationBar: false } } });
    expect(root().querySelector("nav.nav-bar")).to.equal(null);
    const exit = root().querySelector<HTMLButtonElement>("button.home")!;
    expect(exit.parentNode).to.equal(root());
    expect(getComputedStyle(exit).position).to.equal("absolute");
    // A fresh tablet learns the setting from the create reply: the page then takes the bar's room too.
    expect(calls[0]!.body).to.deep.equal({ kiosk: "clock", width: 800, height: 548 });
    await waitFor(() => sent().length > 0, "a resize");
    expect(sent()).to.deep.equal([{ type: "resize", width: 800, height: 600 }]);
    viewer.remove();

    // Remembered from then on: the next new session is created at the full size.
    storage.removeItem("jiomosa.session.clock");
    await open({ reply: { ui: { navigationBar: false } } });
    expect(root().querySelector("nav.nav-bar")).to.equal(null);
    expect(calls[0]!.body).to.deep.equal({ kiosk: "clock", width: 800, height: 600 });
  });

  it("shows the page's state in the navigation bar and sends its buttons", async () => {
    await open();
    await receive({ type: "page", url: "http://example.test/a", title: "Page A", loading: true, canGoBack: true, canGoForward: false });
    // In the viewer's own shadow root, where the end-to-end tests look for it.
    expect(root().querySelector("nav.nav-bar .title")!.textContent).to.equal("Page A");
    expect(root().querySelector<HTMLElement>("nav.nav-bar .progress")!.dataset.loading).to.equal("true");
    expect(root().querySelector<HTMLButtonElement>('nav.nav-bar button[data-action="forward"]')!.disabled).to.equal(true);
    root().querySelector<HTMLButtonElement>('nav.nav-bar button[data-action="back"]')!.click();
    root().querySelector<HTMLButtonElement>('nav.nav-bar button[data-action="home"]')!.click();
    expect(sent()).to.deep.equal([
      { type: "navigate", action: "back" },
      { type: "navigate", action: "home" },
    ]);
    expect(calls.filter((c) => c.method === "DELETE")).to.deep.equal([]); // The start page ends nothing.
  });

  it("asks for one resize once the stream area has settled at a new size", async () => {
    const timers = new DebounceTimers();
    await open({ timers });
    // Each size the observer reports re-arms the debounce; time moves only when the test says so.
    const resizeTo = async (height: number) => {
      const armed = timers.debounces;
      viewer.style.height = `${height}px`;
      await waitFor(() => timers.debounces > armed, `the observer to see ${height}px`);
    };
    await resizeTo(700);
    timers.advance(40);
    await resizeTo(650);
    timers.advance(40);
    await resizeTo(661); // Odd: the renderer rounds down to even.
    timers.advance(RESIZE_DEBOUNCE_MS - 1);
    expect(sent()).to.deep.equal([]);
    timers.advance(1);
    expect(sent()).to.deep.equal([{ type: "resize", width: 800, height: 608 }]);
    timers.advance(RESIZE_DEBOUNCE_MS * 2);
    expect(sent()).to.deep.equal([{ type: "resize", width: 800, height: 608 }]);
    // The renderer's answer is what input is mapped to from now on.
    await receive({ type: "viewport", width: 800, height: 608 });
    expect(root().querySelector("jiomosa-stream-view")!.viewport).to.deep.equal({ width: 800, height: 608 });
  });

  it("resizes a resumed session whose page has another size", async () => {
    storage.setItem("jiomosa.session.clock", "s9");
    const socket = await open();
    expect(calls).to.deep.equal([]); // Rejoined, not created.
    expect(socket.sent[0]).to.deep.equal({ type: "join", session_id: "s9" });
    // The offer said 1280×720 (the other tablet's size): the channel opening asks for ours.
    expect(sent()).to.deep.equal([{ type: "resize", width: 800, height: 548 }]);
  });

  it("opens the keyboard for a focused field, shows the key bar on a touch screen, and closes both", async () => {
    await open({ touchScreen: true });
    await receive({ type: "focus", editable: true, inputType: "number", enterKeyHint: "done" });
    const bridge = root().querySelector("jiomosa-keyboard-bridge")!;
    expect(bridge.active).to.equal(true);
    expect(bridge.textarea!.getAttribute("inputmode")).to.equal("decimal");
    const enter = inner<HTMLButtonElement>("jiomosa-key-bar", '.key-bar button[data-key="Enter"]')!;
    enter.click();
    expect(sent()).to.deep.equal([{ type: "key", key: "Enter" }]);

    await receive({ type: "focus", editable: false });
    expect(bridge.active).to.equal(false);
    expect(root().querySelector("jiomosa-key-bar")).to.equal(null);
  });

  it("shows no key bar without a touch screen, but still bridges the keyboard", async () => {
    await open({ touchScreen: false });
    await receive({ type: "focus", editable: true, inputType: "text" });
    expect(root().querySelector("jiomosa-keyboard-bridge")!.active).to.equal(true);
    expect(root().querySelector("jiomosa-key-bar")).to.equal(null);
  });

  it("answers a <select> from the tablet's picker", async () => {
    await open();
    await receive({
      type: "select-open",
      id: "f1-s1",
      multiple: false,
      options: [
        { label: "Red", selected: true, disabled: false },
        { label: "Green", selected: false, disabled: false },
      ],
    });
    const picker = root().querySelector("jiomosa-select-picker")!;
    await picker.updateComplete;
    inner<HTMLButtonElement>("jiomosa-select-picker", '.picker button.option[data-index="1"]')!.click();
    expect(sent()).to.deep.equal([{ type: "select-answer", id: "f1-s1", indexes: [1] }]);
    await viewer.updateComplete;
    await picker.updateComplete;
    expect(inner("jiomosa-select-picker", ".picker")).to.equal(null);
  });

  it("shows the page's dialogs one at a time and sends each answer", async () => {
    await open();
    await receive({ type: "page", url: "http://shop.example/", title: "Shop", loading: false, canGoBack: false, canGoForward: false });
    await receive({ type: "dialog", id: "d1", kind: "alert", message: "Hello" });
    await receive({ type: "dialog", id: "d2", kind: "confirm", message: "Buy?" });
    const dialogs = root().querySelector("jiomosa-page-dialog")!;
    await dialogs.updateComplete;
    expect(inner<HTMLElement>("jiomosa-page-dialog", ".dialog")!.dataset.kind).to.equal("alert");
    expect(inner("jiomosa-page-dialog", ".dialog")!.textContent).to.contain("shop.example says");
    inner<HTMLButtonElement>("jiomosa-page-dialog", ".dialog button.accept")!.click();
    await viewer.updateComplete;
    await dialogs.updateComplete;
    expect(inner<HTMLElement>("jiomosa-page-dialog", ".dialog")!.dataset.kind).to.equal("confirm");
    inner<HTMLButtonElement>("jiomosa-page-dialog", ".dialog button.dismiss")!.click();
    expect(sent()).to.deep.equal([
      { type: "dialog-answer", id: "d1", accept: true },
      { type: "dialog-answer", id: "d2", accept: false },
    ]);
  });

  it("shows a notice from the page as a toast", async () => {
    await open();
    await receive({ type: "notice", code: "download_refused", message: "Downloads are not available on this kiosk (a.pdf)." });
    const notice = root().querySelector<HTMLElement>('.notice[data-code="download_refused"]')!;
    expect(notice.textContent).to.equal("Downloads are not available on this kiosk (a.pdf).");
  });

  it("says when there is no network, and reconnects when it is back", async () => {
    await open();
    environment.goOffline();
    await viewer.updateComplete;
    const overlay = root().querySelector<HTMLElement>(".overlay")!;
    expect(overlay.dataset.status).to.equal("offline");
    expect(overlay.textContent).to.contain("No network — waiting for Wi-Fi");
    const sockets = FakeSocket.instances.length;
    environment.goOnline();
    expect(FakeSocket.instances.length).to.equal(sockets + 1);
  });
});
