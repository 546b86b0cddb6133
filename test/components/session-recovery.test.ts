import { expect } from "@esm-bundle/chai";
import type { ChannelEvent, PageChannelEvent } from "../../protocol/index.js";
import {
  OFFLINE_MESSAGE,
  OFFLINE_RECHECK_MS,
  type PeerConnectionConstructor,
  RECONNECT_BASE_DELAY_MS,
  SessionController,
  type SessionTarget,
  WAKE_CHECK_TIMEOUT_MS,
  type WebSocketConstructor,
} from "../../viewer/src/connection/session-controller.js";
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
} from "./session-fakes.js";

const OFFER = { type: "offer", offer: { type: "offer", sdp: "v=0 offer-1" }, viewport: { width: 1280, height: 720 } };

describe("SessionController: resume, page events, offline and wake", () => {
  let host: FakeHost;
  let timers: ManualTimers;
  let calls: Call[];
  let storage: MemoryStorage;
  let environment: FakeEnvironment;
  let pageEvents: PageChannelEvent[];
  let channelOpens: number;
  let controller: SessionController;

  function create(
    options: {
      target?: SessionTarget;
      reply?: Record<string, unknown>;
      size?: { width: number; height: number } | null;
      keepStorage?: boolean;
    } = {},
  ) {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    host = new FakeHost();
    timers = new ManualTimers();
    calls = [];
    if (!options.keepStorage) storage = new MemoryStorage();
    environment = new FakeEnvironment();
    pageEvents = [];
    channelOpens = 0;
    controller = new SessionController(host, {
      target: () => options.target ?? { kiosk: "clock" },
      baseUrl: "http://kiosk.test:8000",
      fetch: fakeFetch(calls, undefined, options.reply),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      timers,
      storage,
      environment,
      viewportSize: () => options.size ?? null,
      onPageEvent: (event) => pageEvents.push(event),
      onChannelOpen: () => (channelOpens += 1),
    });
  }

  /** Runs (create →) join → offer → answer → connected. */
  async function connect() {
    controller.hostConnected();
    await settle();
    return stream();
  }

  async function stream() {
    return acceptOffer(FakeSocket.instances.at(-1)!, OFFER);
  }

  const posts = () => calls.filter((c) => c.method === "POST");

  afterEach(() => controller?.hostDisconnected());

  // ---- resume -----------------------------------------------------------------------------------

  it("remembers the session per kiosk and rejoins it first when the viewer is reopened", async () => {
    create();
    await connect();
    expect(storage.items.get("jiomosa.session.clock")).to.equal("s1");
    controller.hostDisconnected(); // The tablet closed the page.

    create({ keepStorage: true });
    controller.hostConnected();
    expect(controller.statusMessage).to.equal("Returning to the page you left…");
    await settle();
    expect(posts()).to.deep.equal([]); // No new session…
    const socket = FakeSocket.instances.at(-1)!;
    socket.open();
    expect(socket.sent).to.deep.equal([{ type: "join", session_id: "s1" }]); // …the old one is joined.
  });

  it("creates a new session when the remembered one has timed out, and remembers that one", async () => {
    storage = new MemoryStorage();
    storage.setItem("jiomosa.session.http://example.test/page", "old-7");
    create({ target: { url: "http://example.test/page" }, keepStorage: true });
    controller.hostConnected();
    await settle();
    const socket = FakeSocket.instances.at(-1)!;
    socket.open();
    expect(socket.sent).to.deep.equal([{ type: "join", session_id: "old-7" }]);
    socket.receive({ type: "error", code: "unknown_session", message: "Session old-7 not found" });
    expect(controller.statusMessage).to.equal("The page you left has closed; opening it again…");
    await settle();
    expect(posts().map((c) => c.body)).to.deep.equal([{ url: "http://example.test/page" }]);
    expect(storage.items.get("jiomosa.session.http://example.test/page")).to.equal("s1");
    FakeSocket.instances.at(-1)!.open();
    expect(FakeSocket.instances.at(-1)!.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
  });

  it("forgets the session when the user leaves with end()", async () => {
    create();
    await connect();
    expect(storage.items.has("jiomosa.session.clock")).to.equal(true);
    await controller.end();
    expect(storage.items.has("jiomosa.session.clock")).to.equal(false);
    expect(calls.at(-1)).to.deep.equal({ url: "http://kiosk.test:8000/api/session/s1", method: "DELETE", body: undefined });
  });

  // ---- create body and ui -----------------------------------------------------------------------

  it("creates the session with the stream area's size, as the renderer will round it", async () => {
    create({ size: { width: 801.5, height: 1279 } });
    controller.hostConnected();
    await settle();
    expect(posts()[0]!.body).to.deep.equal({ kiosk: "clock", width: 800, height: 1278 });
  });

  it("leaves the size out while the stream area has none", async () => {
    create({ size: null });
    controller.hostConnected();
    await settle();
    expect(posts()[0]!.body).to.deep.equal({ kiosk: "clock" });
  });

  it("takes ui.navigationBar from the create reply, true when missing, and remembers it", async () => {
    create();
    expect(controller.ui).to.deep.equal({ navigationBar: true });
    await connect();
    expect(controller.ui).to.deep.equal({ navigationBar: true });

    create({ reply: { ui: { navigationBar: false } } });
    await connect();
    expect(controller.ui).to.deep.equal({ navigationBar: false });
    expect(storage.items.get("jiomosa.ui")).to.equal(JSON.stringify({ navigationBar: false }));
    // A resumed session has no create reply: the remembered setting applies.
    controller.hostDisconnected();
    create({ keepStorage: true });
    expect(controller.ui).to.deep.equal({ navigationBar: false });
  });

  // ---- channel events -----------------------------------------------------------------------

  it("passes page events on in order, follows viewport events and announces each opened channel", async () => {
    create();
    const { channel } = await connect();
    expect(channelOpens).to.equal(1);
    const events: ChannelEvent[] = [
      { type: "page", url: "http://example.test/", title: "Example", loading: false, canGoBack: true, canGoForward: false },
      { type: "focus", editable: true, inputType: "email", enterKeyHint: "go" },
      { type: "viewport", width: 800, height: 1278 },
      { type: "select-open", id: "f1-s1", multiple: false, options: [{ label: "A", selected: true, disabled: false }] },
      { type: "dialog", id: "d1", kind: "confirm", message: "Sure?" },
      { type: "notice", code: "download_refused", message: "No downloads" },
    ];
    for (const event of events) channel.onmessage?.({ data: JSON.stringify(event) });
    channel.onmessage?.({ data: JSON.stringify({ type: "focus" }) }); // Malformed: dropped.
    channel.onmessage?.({ data: "not json" });
    expect(pageEvents).to.deep.equal(events.filter((e) => e.type !== "viewport"));
    expect(controller.viewport).to.deep.equal({ width: 800, height: 1278 });
  });

  // ---- offline and online -------------------------------------------------------------------

  it("waits for the network while offline and reconnects at once when it is back", async () => {
    create();
    const { socket, peer } = await connect();
    // Two failed attempts first, so the backoff has grown.
    socket.drop();
    timers.advance(RECONNECT_BASE_DELAY_MS);
    await settle();
    FakeSocket.instances.at(-1)!.drop();
    expect(controller.statusMessage).to.match(/Reconnecting in 2 s/);

    environment.goOffline();
    expect(controller.status).to.equal("offline");
    expect(controller.statusMessage).to.equal(OFFLINE_MESSAGE);
    expect(peer.closed).to.equal(true);
    const sockets = FakeSocket.instances.length;
    timers.advance(60_000);
    await settle();
    expect(FakeSocket.instances.length).to.equal(sockets); // No attempts while there is no network.

    environment.goOnline();
    await settle();
    expect(FakeSocket.instances.length).to.equal(sockets + 1); // At once, no timer.
    const again = FakeSocket.instances.at(-1)!;
    again.open();
    expect(again.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
    // The backoff starts over.
    again.drop();
    expect(controller.statusMessage).to.match(/Reconnecting in 1 s/);
  });

  it("starts offline without a network and connects when it comes", async () => {
    create();
    environment.isOnline = false;
    controller.hostConnected();
    await settle();
    expect(controller.status).to.equal("offline");
    expect(calls).to.deep.equal([]);
    environment.goOnline();
    await settle();
    expect(posts()).to.have.length(1);
    expect(controller.status).to.equal("connecting");
  });

  it("treats a lost connection without network as offline rather than retrying", async () => {
    create();
    const { socket } = await connect();
    environment.isOnline = false; // The event has not arrived yet.
    socket.drop();
    expect(controller.status).to.equal("offline");
    expect(timers.delays).to.deep.equal([OFFLINE_RECHECK_MS]); // Only the look for the network.
    timers.advance(OFFLINE_RECHECK_MS * 3);
    await settle();
    expect(FakeSocket.instances).to.have.length(1);
  });

  it("finds the network back even when the online event never comes", async () => {
    create();
    const { socket } = await connect();
    environment.isOnline = false;
    socket.drop();
    environment.isOnline = true; // Silently, as some WebViews do.
    timers.advance(OFFLINE_RECHECK_MS);
    await settle();
    expect(FakeSocket.instances).to.have.length(2);
    expect(controller.status).to.equal("connecting");
  });

  // ---- wake from sleep ----------------------------------------------------------------------

  it("reconnects at once on wake instead of waiting out the backoff", async () => {
    create();
    const { socket } = await connect();
    socket.drop();
    expect(controller.status).to.equal("reconnecting");
    environment.document.setVisibility("hidden");
    expect(FakeSocket.instances).to.have.length(1);
    environment.document.setVisibility("visible");
    await settle();
    expect(FakeSocket.instances).to.have.length(2);
    expect(timers.delays).to.not.include(RECONNECT_BASE_DELAY_MS);
  });

  it("checks a link that looks alive after wake: a pong keeps it, silence rebuilds it", async () => {
    create();
    const { socket, peer } = await connect();
    environment.document.setVisibility("visible");
    expect(socket.ofType("ping")).to.have.length(1);
    socket.receive({ type: "pong" });
    timers.advance(WAKE_CHECK_TIMEOUT_MS * 2);
    expect(controller.status).to.equal("streaming");
    expect(peer.closed).to.equal(false);

    environment.document.setVisibility("visible");
    expect(socket.ofType("ping")).to.have.length(2);
    timers.advance(WAKE_CHECK_TIMEOUT_MS - 1);
    expect(peer.closed).to.equal(false);
    timers.advance(1);
    expect(peer.closed).to.equal(true);
    expect(socket.closed).to.equal(true);
    await settle();
    expect(FakeSocket.instances).to.have.length(2);
  });

  it("rebuilds at once on wake when the peer failed while the tablet slept", async () => {
    create();
    const { peer } = await connect();
    peer.connectionState = "failed"; // Its state event was never delivered.
    environment.document.setVisibility("visible");
    await settle();
    expect(peer.closed).to.equal(true);
    expect(FakeSocket.instances).to.have.length(2);
  });
});
