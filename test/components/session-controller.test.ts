import { expect } from "@esm-bundle/chai";
import {
  DISCONNECTED_GRACE_MS,
  PING_INTERVAL_MS,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  SessionController,
  type SessionTarget,
  type PeerConnectionConstructor,
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

const OFFER = {
  type: "offer",
  offer: { type: "offer", sdp: "v=0 offer-1" },
  iceServers: [{ urls: "turn:turn.test:3478", username: "u", credential: "p" }],
  viewport: { width: 1024, height: 768 },
};
const REMOTE_CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

// ---- tests ------------------------------------------------------------------------------------

describe("SessionController", () => {
  let host: FakeHost;
  let timers: ManualTimers;
  let calls: Call[];
  let controller: SessionController;

  function create(failure?: { status: number; body: unknown }, target: SessionTarget = { kiosk: "clock" }) {
    FakeSocket.instances = [];
    FakePeer.instances = [];
    host = new FakeHost();
    timers = new ManualTimers();
    calls = [];
    controller = new SessionController(host, {
      target: () => target,
      baseUrl: "https://kiosk.test:8443",
      fetch: fakeFetch(calls, failure),
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      timers,
      storage: new MemoryStorage(),
      environment: new FakeEnvironment(),
    });
  }

  /** Runs create → join → offer → answer → connected, returning the socket, peer and channel. */
  async function connect() {
    controller.hostConnected();
    await settle();
    return acceptOffer(FakeSocket.instances.at(-1)!, OFFER);
  }

  afterEach(() => controller?.hostDisconnected());

  it("registers with its host and starts closed", () => {
    create();
    expect(host.controllers).to.deep.equal([controller]);
    expect(controller.status).to.equal("closed");
  });

  it("creates the session, joins it, answers the offer and streams", async () => {
    create();
    controller.hostConnected();
    expect(controller.status).to.equal("creating");
    await settle();

    expect(calls).to.deep.equal([{ url: "https://kiosk.test:8443/api/session/create", method: "POST", body: { kiosk: "clock" } }]);
    expect(controller.sessionId).to.equal("s1");
    expect(controller.viewport).to.deep.equal({ width: 1280, height: 720 });
    expect(controller.status).to.equal("connecting");
    const socket = FakeSocket.instances[0]!;
    expect(socket.url).to.equal("wss://kiosk.test:8443/ws/signaling");

    socket.open();
    expect(socket.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);

    // A candidate that arrives before the offer is applied must wait for the remote description.
    socket.receive({ type: "ice-candidate", candidate: REMOTE_CANDIDATE });
    socket.receive(OFFER);
    await settle();
    const peer = FakePeer.instances[0]!;
    expect(peer.config.iceServers).to.deep.equal(OFFER.iceServers);
    expect(peer.remote).to.deep.equal(OFFER.offer);
    expect(peer.added).to.deep.equal([{ ...REMOTE_CANDIDATE }]);
    expect(socket.ofType("answer")).to.deep.equal([{ type: "answer", answer: { type: "answer", sdp: "answer-to:v=0 offer-1" } }]);
    expect(controller.viewport).to.deep.equal({ width: 1024, height: 768 });

    // Local candidates go to the server; the end-of-candidates marker does not.
    peer.emitCandidate({ candidate: "candidate:2 1 udp 1 198.51.100.7 9 typ host", sdpMid: "0", sdpMLineIndex: 0 });
    peer.emitCandidate(null);
    expect(socket.ofType("ice-candidate")).to.deep.equal([
      { type: "ice-candidate", candidate: { candidate: "candidate:2 1 udp 1 198.51.100.7 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } },
    ]);

    // Later remote candidates are added at once.
    socket.receive({ type: "ice-candidate", candidate: { ...REMOTE_CANDIDATE, candidate: "candidate:3 1 udp 1 192.0.2.9 7 typ host" } });
    expect(peer.added.map((c) => c.candidate)).to.deep.equal([REMOTE_CANDIDATE.candidate, "candidate:3 1 udp 1 192.0.2.9 7 typ host"]);

    socket.receive({ type: "ready", message: "ok", session_id: "s1" });
    expect(controller.status).to.equal("connecting");
    const stream = new MediaStream();
    peer.emitTrack(stream);
    expect(controller.stream).to.equal(stream);
    expect(controller.status).to.equal("connecting");
    const updatesBefore = host.updates;
    peer.setState("connected");
    expect(controller.status).to.equal("streaming");
    expect(host.updates).to.be.greaterThan(updatesBefore);
  });

  it("sends input on the DataChannel only while it is open", async () => {
    create();
    const { channel } = await connect();
    expect(controller.send({ type: "click", x: 10, y: 20 })).to.equal(true);
    expect(channel.sent).to.deep.equal([JSON.stringify({ type: "click", x: 10, y: 20 })]);
    channel.readyState = "closing";
    expect(controller.send({ type: "text", text: "a" })).to.equal(false);
    expect(channel.sent).to.have.length(1);
  });

  it("shows an input-error from the server as a short notice", async () => {
    create();
    const { channel } = await connect();
    channel.onmessage?.({ data: JSON.stringify({ type: "input-error", code: "invalid_input", message: "x: is required" }) });
    expect(controller.notice).to.equal("Input rejected: x: is required");
    expect(controller.status).to.equal("streaming");
    timers.advance(10_000);
    expect(controller.notice).to.equal(null);
  });

  it("pings every 15 s while the socket is open", async () => {
    create();
    const { socket } = await connect();
    timers.advance(PING_INTERVAL_MS * 2 + 1);
    expect(socket.ofType("ping")).to.have.length(2);
  });

  it("reconnects with backoff after the socket closes and re-joins the same session", async () => {
    create();
    const { socket, peer } = await connect();

    socket.drop();
    expect(controller.status).to.equal("reconnecting");
    expect(controller.statusMessage).to.match(/Reconnecting in 1 s/);
    expect(peer.closed).to.equal(true);
    expect(controller.stream).to.equal(null);
    expect(controller.send({ type: "key", key: "Enter" })).to.equal(false);

    timers.advance(RECONNECT_BASE_DELAY_MS - 1);
    expect(FakeSocket.instances).to.have.length(1);
    timers.advance(1);
    await settle();
    expect(FakeSocket.instances).to.have.length(2);
    const second = FakeSocket.instances[1]!;

    // The server is still down: the next delay doubles.
    second.drop();
    expect(controller.statusMessage).to.match(/Reconnecting in 2 s/);
    timers.advance(2 * RECONNECT_BASE_DELAY_MS);
    await settle();
    const third = FakeSocket.instances[2]!;
    third.open();
    expect(third.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
    expect(calls.filter((c) => c.method === "POST")).to.have.length(1); // No new session.

    third.receive({ ...OFFER, offer: { type: "offer", sdp: "v=0 offer-2" } });
    await settle();
    const peer2 = FakePeer.instances.at(-1)!;
    expect(peer2).to.not.equal(peer);
    expect(third.ofType("answer")[0]).to.deep.equal({ type: "answer", answer: { type: "answer", sdp: "answer-to:v=0 offer-2" } });
    peer2.emitTrack(new MediaStream());
    peer2.setState("connected");
    expect(controller.status).to.equal("streaming");

    // A successful stream resets the backoff.
    third.drop();
    expect(controller.statusMessage).to.match(/Reconnecting in 1 s/);
  });

  it("caps the backoff at 10 s", async () => {
    create();
    controller.hostConnected();
    await settle();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      FakeSocket.instances.at(-1)!.drop();
      seen.push(timers.delays[0]!);
      timers.advance(timers.delays[0]!);
      await settle();
    }
    expect(seen).to.deep.equal([1000, 2000, 4000, 8000, RECONNECT_MAX_DELAY_MS, RECONNECT_MAX_DELAY_MS]);
  });

  it("reconnects when the peer connection fails", async () => {
    create();
    const { peer } = await connect();
    peer.setState("failed");
    expect(controller.status).to.equal("reconnecting");
    timers.advance(RECONNECT_BASE_DELAY_MS);
    await settle();
    FakeSocket.instances.at(-1)!.open();
    expect(FakeSocket.instances.at(-1)!.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
  });

  it("waits out a short ICE disconnect but reconnects after a long one", async () => {
    create();
    const { peer } = await connect();
    peer.setState("disconnected");
    timers.advance(DISCONNECTED_GRACE_MS - 1);
    peer.setState("connected"); // Recovered in time: nothing happens.
    timers.advance(DISCONNECTED_GRACE_MS * 2);
    expect(controller.status).to.equal("streaming");
    expect(peer.closed).to.equal(false);

    peer.setState("disconnected");
    timers.advance(DISCONNECTED_GRACE_MS);
    expect(controller.status).to.equal("reconnecting");
    expect(peer.closed).to.equal(true);
  });

  it("creates a new session when the server no longer knows the old one", async () => {
    create();
    const { socket } = await connect();
    socket.drop();
    timers.advance(RECONNECT_BASE_DELAY_MS);
    await settle();
    const rejoin = FakeSocket.instances.at(-1)!;
    rejoin.open();
    rejoin.receive({ type: "error", code: "unknown_session", message: "Session s1 not found" });
    await settle();
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).to.deep.equal([{ kiosk: "clock" }, { kiosk: "clock" }]);
    expect(controller.sessionId).to.equal("s2");
    const fresh = FakeSocket.instances.at(-1)!;
    expect(fresh).to.not.equal(rejoin);
    fresh.open();
    expect(fresh.sent).to.deep.equal([{ type: "join", session_id: "s2" }]);
  });

  it("shows a create error and does not retry a 4xx", async () => {
    create({ status: 404, body: { error: { code: "unknown_kiosk", message: "No kiosk named 'clock'" } } });
    controller.hostConnected();
    await settle();
    expect(controller.status).to.equal("error");
    expect(controller.statusMessage).to.equal("No kiosk named 'clock'");
    expect(FakeSocket.instances).to.have.length(0);
    timers.advance(60_000);
    await settle();
    expect(calls).to.have.length(1);
  });

  it("retries a 5xx create with backoff", async () => {
    create({ status: 503, body: { error: { code: "busy", message: "Too many sessions" } } });
    controller.hostConnected();
    await settle();
    expect(controller.status).to.equal("reconnecting");
    expect(controller.statusMessage).to.contain("Too many sessions");
    timers.advance(RECONNECT_BASE_DELAY_MS);
    await settle();
    expect(calls).to.have.length(2);
  });

  it("shows a signaling error before streaming and retries", async () => {
    create();
    controller.hostConnected();
    await settle();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.receive({ type: "error", code: "too_many_viewers", message: "This session already has 4 viewers" });
    expect(controller.status).to.equal("reconnecting");
    expect(controller.statusMessage).to.contain("This session already has 4 viewers");
    expect(socket.closed).to.equal(true);
  });

  it("sends a url target", async () => {
    create(undefined, { url: "http://example.test/page" });
    controller.hostConnected();
    await settle();
    expect(calls[0]!.body).to.deep.equal({ url: "http://example.test/page" });
  });

  it("closes everything when the host disconnects, and rejoins when it connects again", async () => {
    create();
    const { socket, peer } = await connect();
    controller.hostDisconnected();
    expect(controller.status).to.equal("closed");
    expect(socket.closed).to.equal(true);
    expect(peer.closed).to.equal(true);
    expect(timers.delays).to.deep.equal([]); // No ping, no reconnect left behind.
    controller.hostConnected();
    await settle();
    FakeSocket.instances.at(-1)!.open();
    expect(FakeSocket.instances.at(-1)!.sent).to.deep.equal([{ type: "join", session_id: "s1" }]);
  });

  it("end() deletes the session and closes the connections", async () => {
    create();
    const { socket, peer } = await connect();
    await controller.end();
    expect(calls.at(-1)).to.deep.equal({ url: "https://kiosk.test:8443/api/session/s1", method: "DELETE", body: undefined });
    expect(controller.status).to.equal("closed");
    expect(controller.sessionId).to.equal(null);
    expect(socket.closed).to.equal(true);
    expect(peer.closed).to.equal(true);
  });
});
