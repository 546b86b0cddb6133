import { expect } from "@esm-bundle/chai";
import type { CheckId, CheckOutcome } from "../../viewer/src/diagnostics/checks/common.js";
import { JiomosaDiagnostics } from "../../viewer/src/diagnostics/diagnostics.js";
import "../../viewer/src/launcher/launcher.js";
import type { JiomosaLauncher } from "../../viewer/src/launcher/launcher.js";
import type { FetchFunction, PeerConnectionConstructor, WebSocketConstructor } from "../../viewer/src/connection/session-controller.js";
import { FakeSocket, waitFor } from "./session-fakes.js";

// ---- a fake box and network ------------------------------------------------------------------

/** What the TURN server does for one transport: hand out a relay, refuse, not answer (701), or stay silent. */
type TurnBehaviour = "relay" | "unauthorized" | "unreachable" | "silent";

interface Network {
  /** `null`: nothing answers HTTP at all. */
  health: { status: number; body: unknown } | null;
  iceSettings: unknown;
  socket: "ok" | "refused";
  pongDelayMs: number;
  turn: Record<"udp" | "tcp", TurnBehaviour>;
  codecs: string[];
}

const BASE_URL = "http://kiosk.test:8000";
const TURN_UDP = "turn:192.168.1.10:3478?transport=udp";
const TURN_TCP = "turn:192.168.1.10:3478?transport=tcp";
const TURN_ENABLED = {
  success: true,
  iceServers: [
    { urls: "stun:192.168.1.10:3478" },
    { urls: [TURN_UDP, TURN_TCP], username: "1767225600:tablet", credential: "minted-secret" },
  ],
  turn: { enabled: true, urls: [TURN_UDP, TURN_TCP] },
};
const TURN_DISABLED = { success: true, iceServers: [{ urls: "stun:192.168.1.10:3478" }], turn: { enabled: false, urls: [] } };

const HOST = "candidate:1 1 udp 2122260223 192.168.1.50 54321 typ host generation 0";
const SRFLX = "candidate:2 1 udp 1686052607 203.0.113.5 54321 typ srflx raddr 192.168.1.50 rport 54321";
const relayCandidate = (port: number) => `candidate:3 1 udp 41885439 192.168.1.10 ${port} typ relay raddr 192.168.1.50 rport 54321`;
const RELAY_PORTS = { udp: 49170, tcp: 49171 };

let network: Network;

function healthyNetwork(): Network {
  return {
    health: { status: 200, body: { status: "healthy", version: "0.1.0", timestamp: "2026-01-01T00:00:00Z" } },
    iceSettings: TURN_ENABLED,
    socket: "ok",
    pongDelayMs: 0,
    turn: { udp: "relay", tcp: "relay" },
    codecs: ["video/VP8", "video/H264"],
  };
}

let requested: string[] = [];

const fakeFetch: FetchFunction = async (url, init) => {
  const path = new URL(url).pathname;
  requested.push(path);
  if (init?.signal?.aborted) throw new DOMException("aborted", "AbortError");
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  if (!network.health) throw new TypeError("Failed to fetch");
  if (path === "/health") return json(network.health.status, network.health.body);
  if (path === "/api/ice-servers") return json(200, network.iceSettings);
  return json(404, { error: { code: "not_found", message: "no such route" } });
};

/** The shared fake socket, driven by the fake network: it opens or is refused, and answers pings after `pongDelayMs`. */
class NetworkSocket extends FakeSocket {
  constructor(url: string) {
    super(url);
    setTimeout(() => {
      if (this.closed) return;
      if (network.socket === "ok") this.open();
      else {
        this.readyState = 3;
        this.onerror?.();
        this.drop();
      }
    }, 0);
  }
  override send(data: string): void {
    super.send(data);
    if (this.sent.at(-1)?.type === "ping") {
      setTimeout(() => {
        if (!this.closed) this.receive({ type: "pong" });
      }, network.pongDelayMs);
    }
  }
}

/** Gathers like a browser would on the fake network: host, srflx with STUN, relay per TURN behaviour. */
class FakePeer {
  static instances: FakePeer[] = [];
  iceGatheringState = "new";
  closed = false;
  readonly channels: string[] = [];
  onicecandidate: ((e: { candidate: { candidate: string } | null }) => void) | null = null;
  onicegatheringstatechange: (() => void) | null = null;
  onicecandidateerror: ((e: { errorCode: number; errorText: string; url: string }) => void) | null = null;

  constructor(readonly config: RTCConfiguration) {
    FakePeer.instances.push(this);
  }
  createDataChannel(label: string): object {
    this.channels.push(label);
    return {};
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: "offer", sdp: "v=0" };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (description.type !== "offer") throw new Error("expected the offer");
    this.iceGatheringState = "gathering";
    setTimeout(() => this.gather(), 0);
  }
  close(): void {
    this.closed = true;
  }
  /** The URLs of every ICE server this peer was given. */
  get urls(): string[] {
    return (this.config.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
  }

  private gather(): void {
    if (this.closed) return;
    const emit = (candidate: string) => this.onicecandidate?.({ candidate: { candidate } });
    if (this.config.iceTransportPolicy !== "relay") {
      emit(HOST);
      if (this.urls.some((u) => u.startsWith("stun:"))) emit(SRFLX);
    }
    let silent = false;
    for (const server of this.config.iceServers ?? []) {
      for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
        if (!url.startsWith("turn:")) continue;
        const transport = url.includes("transport=tcp") ? "tcp" : "udp";
        const behaviour = network.turn[transport];
        const authorised = server.username === "1767225600:tablet" && server.credential === "minted-secret";
        if (behaviour === "relay" && authorised) emit(relayCandidate(RELAY_PORTS[transport]));
        else if (behaviour === "unauthorized" || (behaviour === "relay" && !authorised)) {
          this.onicecandidateerror?.({ errorCode: 401, errorText: "Unauthorized", url });
          // A browser goes on trying its other interfaces after a refusal: gathering need not end.
          silent = true;
        } else if (behaviour === "unreachable")
          this.onicecandidateerror?.({ errorCode: 701, errorText: "TURN allocate request timed out.", url });
        else silent = true;
      }
    }
    if (silent || this.closed) return;
    this.iceGatheringState = "complete";
    this.onicegatheringstatechange?.();
    this.onicecandidate?.({ candidate: null });
  }
}

// ---- helpers ---------------------------------------------------------------------------------

interface ShownRow {
  result: string | undefined;
  text: string;
  hint: string | null;
}

describe("<jiomosa-diagnostics>", () => {
  let page: JiomosaDiagnostics;

  beforeEach(() => {
    network = healthyNetwork();
    requested = [];
    FakeSocket.instances = [];
    FakePeer.instances = [];
  });

  afterEach(() => page?.remove());

  function open(timeoutMs = 2_000): JiomosaDiagnostics {
    page = new JiomosaDiagnostics({
      baseUrl: BASE_URL,
      fetch: fakeFetch,
      WebSocket: NetworkSocket as unknown as WebSocketConstructor,
      RTCPeerConnection: FakePeer as unknown as PeerConnectionConstructor,
      videoCapabilities: () => ({ codecs: network.codecs.map((mimeType) => ({ mimeType, clockRate: 90_000 })), headerExtensions: [] }),
      timeoutMs,
    });
    document.body.append(page);
    return page;
  }

  const done = (timeoutMs?: number) => waitFor(() => page.hasAttribute("data-done"), "data-done", timeoutMs);

  function row(id: string): ShownRow {
    const li = page.shadowRoot!.querySelector<HTMLElement>(`[data-check="${id}"]`);
    if (!li) throw new Error(`no row ${id}`);
    return {
      result: li.dataset.result,
      text: li.querySelector(".text")!.textContent.trim(),
      hint: li.querySelector(".hint")?.textContent?.trim() ?? null,
    };
  }

  const results = () =>
    Object.fromEntries(
      [...page.shadowRoot!.querySelectorAll<HTMLElement>("[data-check]")].map((li): [string, string | undefined] => [
        li.dataset.check ?? "",
        li.dataset.result,
      ]),
    );
  const summary = () => page.shadowRoot!.querySelector<HTMLElement>(".summary")!;

  it("passes every check on a working box and says so", async () => {
    let event: CustomEvent<Partial<Record<CheckId, CheckOutcome>>> | null = null;
    document.addEventListener("jiomosa-diagnostics-done", (e) => (event = e as CustomEvent<Partial<Record<CheckId, CheckOutcome>>>), {
      once: true,
    });
    open();
    await done();

    expect(results()).to.deep.equal({
      http: "pass",
      websocket: "pass",
      rtt: "pass",
      ice: "pass",
      "turn-udp": "pass",
      "turn-tcp": "pass",
      vp8: "pass",
    });
    expect(summary().textContent).to.equal("All checks passed");
    expect(summary().dataset.failed).to.equal("0");
    expect(row("http").text).to.equal("The box answers (version 0.1.0).");
    expect(row("websocket").text).to.equal("Connected to ws://kiosk.test:8000/ws/signaling; it answers ping with pong.");
    expect(row("rtt").text).to.match(/^Median round trip \d+ ms over 5 pings\.$/);
    expect(row("ice").text).to.equal("4 candidates: 1 host (direct), 1 srflx (via STUN), 2 relay (via TURN).");
    expect(row("turn-udp").text).to.equal("Relay over UDP works: relay address 192.168.1.10:49170.");
    expect(row("turn-tcp").text).to.equal("Relay over TCP works: relay address 192.168.1.10:49171.");
    expect(row("vp8").text).to.equal("This browser can receive VP8 video.");
    expect(page.shadowRoot!.querySelectorAll(".hint")).to.have.length(0);

    // One ping for the WebSocket check, five for the round trips, on one socket that is closed after.
    expect(FakeSocket.instances).to.have.length(1);
    expect(FakeSocket.instances[0]!.url).to.equal("ws://kiosk.test:8000/ws/signaling");
    expect(FakeSocket.instances[0]!.sent).to.deep.equal(Array(6).fill({ type: "ping" }));
    expect(FakeSocket.instances[0]!.closed).to.equal(true);
    expect(requested.sort()).to.deep.equal(["/api/ice-servers", "/health"]);

    // The TURN checks use only their transport's URL, relay-only, with the minted credentials.
    const turnPeers = FakePeer.instances.filter((p) => p.config.iceTransportPolicy === "relay");
    expect(turnPeers.map((p) => p.config.iceServers)).to.have.deep.members([
      [{ urls: [TURN_UDP], username: "1767225600:tablet", credential: "minted-secret" }],
      [{ urls: [TURN_TCP], username: "1767225600:tablet", credential: "minted-secret" }],
    ]);
    expect(FakePeer.instances).to.have.length(3);
    expect(FakePeer.instances.every((p) => p.closed && p.channels.length === 1)).to.equal(true);

    expect(event).to.not.equal(null);
    expect(event!.detail["turn-udp"]?.result).to.equal("pass");
    expect(page.shadowRoot!.querySelector("a.back")?.getAttribute("href")).to.equal("/");
  });

  it("shows every row as running until its result is in, and closes everything when removed", async () => {
    network.turn = { udp: "silent", tcp: "silent" };
    network.pongDelayMs = 60_000;
    open(60_000);
    await waitFor(() => FakePeer.instances.length === 3 && FakeSocket.instances[0]?.sent.length === 1, "the checks to start");
    await page.updateComplete;

    expect(page.hasAttribute("data-done")).to.equal(false);
    expect(summary().textContent).to.equal("Checking…");
    expect(row("websocket")).to.deep.equal({ result: "running", text: "Checking…", hint: null });
    for (const id of ["rtt", "turn-udp", "turn-tcp"]) expect(row(id).result).to.equal("running");
    expect(page.shadowRoot!.querySelector("button")!.disabled).to.equal(true);

    page.remove();
    await waitFor(() => FakeSocket.instances[0]!.closed && FakePeer.instances.every((p) => p.closed), "everything closed");
  });

  it("skips the TURN checks when TURN is disabled", async () => {
    network.iceSettings = TURN_DISABLED;
    open();
    await done();

    expect(row("turn-udp")).to.deep.equal({ result: "skipped", text: "TURN is disabled in config/kiosk.yaml (turn.enabled)", hint: null });
    expect(row("turn-tcp")).to.deep.equal({ result: "skipped", text: "TURN is disabled in config/kiosk.yaml (turn.enabled)", hint: null });
    expect(row("ice").text).to.equal("2 candidates: 1 host (direct), 1 srflx (via STUN), 0 relay (via TURN).");
    expect(summary().textContent).to.equal("All checks passed");
    // Only the ICE check built a peer connection.
    expect(FakePeer.instances).to.have.length(1);
  });

  it("names the unreachable TURN URL and the ports to open", async () => {
    // UDP: the browser reports 701; TCP: nothing ever comes back, so the timeout decides.
    network.turn = { udp: "unreachable", tcp: "silent" };
    open(400);
    await done();

    expect(row("turn-udp")).to.deep.equal({
      result: "fail",
      text: `TURN server not reachable at ${TURN_UDP}`,
      hint: "To fix: Check that coturn runs and that 3478/udp and the relay ports 49160-49200/udp are open.",
    });
    expect(row("turn-tcp")).to.deep.equal({
      result: "fail",
      text: `TURN server not reachable at ${TURN_TCP}`,
      hint: "To fix: Check that coturn runs and that 3478/tcp and the relay ports 49160-49200/udp are open.",
    });
    // The other paths still work and say so.
    expect(row("ice").result).to.equal("pass");
    expect(row("ice").text).to.contain("1 host (direct), 1 srflx (via STUN), 0 relay (via TURN)");
    expect(summary().textContent).to.equal("2 checks failed");
    expect(summary().dataset.failed).to.equal("2");
    expect(FakePeer.instances.every((p) => p.closed)).to.equal(true);
  });

  it("blames differing secrets when TURN answers 401, without waiting for the timeout", async () => {
    network.turn = { udp: "unauthorized", tcp: "unauthorized" };
    open(2_500);
    // The TURN rows settle on the refusal while the ICE row still waits for its timeout.
    const resultOf = (id: string) => page.shadowRoot?.querySelector<HTMLElement>(`[data-check="${id}"]`)?.dataset.result;
    await waitFor(() => resultOf("turn-udp") === "fail" && resultOf("turn-tcp") === "fail", "the TURN rows", 1_500);
    expect(row("ice").result).to.equal("running");
    await done();

    for (const id of ["turn-udp", "turn-tcp"]) {
      const shown = row(id);
      expect(shown.result).to.equal("fail");
      expect(shown.text).to.equal("TURN refused the credentials: the renderer's and coturn's secrets differ");
      expect(shown.hint).to.contain("TURN_SECRET");
    }
    expect(row("ice").result).to.equal("pass");
    expect(summary().textContent).to.equal("2 checks failed");
  });

  it("fails the WebSocket check, skips the round trips, and passes once fixed and run again", async () => {
    network.socket = "refused";
    open();
    await done();

    const websocket = row("websocket");
    expect(websocket.result).to.equal("fail");
    expect(websocket.text).to.equal(
      "The WebSocket to ws://kiosk.test:8000/ws/signaling did not open: the connection was closed (code 1006).",
    );
    expect(websocket.hint).to.equal(
      "To fix: A proxy or firewall blocks WebSocket upgrades on port 8000: allow WebSocket connections to the box on that port, or connect the tablet without the proxy.",
    );
    expect(row("rtt")).to.deep.equal({ result: "skipped", text: "Not measured: the WebSocket check failed.", hint: null });
    expect(row("http").result).to.equal("pass");
    expect(summary().textContent).to.equal("1 check failed");

    network.socket = "ok";
    const button = page.shadowRoot!.querySelector("button")!;
    expect(button.textContent).to.equal("Run again");
    button.click();
    await page.updateComplete;
    expect(page.hasAttribute("data-done")).to.equal(false);
    expect(row("websocket").result).to.equal("running");
    await done();
    expect(row("websocket").result).to.equal("pass");
    expect(row("rtt").result).to.equal("pass");
    expect(summary().textContent).to.equal("All checks passed");
  });

  it("fails the round trip on a slow link with a Wi-Fi hint", async () => {
    network.pongDelayMs = 120;
    open();
    await done();

    const rtt = row("rtt");
    expect(rtt.result).to.equal("fail");
    const match = /^Median round trip (\d+) ms over 5 pings; it should be under 100 ms\.$/.exec(rtt.text);
    expect(match, rtt.text).to.not.equal(null);
    expect(Number(match![1])).to.be.at.least(120);
    expect(rtt.hint).to.contain("Wi-Fi");
    expect(row("websocket").result).to.equal("pass");
  });

  it("fails when the browser cannot receive VP8", async () => {
    network.codecs = ["video/H264"];
    open();
    await done();

    expect(row("vp8")).to.deep.equal({
      result: "fail",
      text: "This browser cannot receive VP8 video.",
      hint: "To fix: This browser cannot show the stream: use Chrome, or update Android System WebView (Play Store).",
    });
  });

  it("says the box is down when nothing answers HTTP", async () => {
    network.health = null;
    network.socket = "refused";
    open();
    await done();

    const http = row("http");
    expect(http.result).to.equal("fail");
    expect(http.text).to.equal("No answer from kiosk.test:8000.");
    expect(http.hint).to.contain("The box or its renderer is down, or this is the wrong address");
    expect(row("ice").result).to.equal("fail");
    expect(row("ice").text).to.equal("Cannot load the STUN/TURN settings from /api/ice-servers: no answer.");
    expect(row("turn-udp")).to.deep.equal({ result: "skipped", text: "Not tested: the TURN settings could not be loaded.", hint: null });
    expect(summary().textContent).to.equal("3 checks failed");
  });
});

describe("<jiomosa-launcher> diagnostics link", () => {
  const realFetch = window.fetch.bind(window);
  afterEach(() => {
    window.fetch = realFetch;
    document.querySelector("jiomosa-launcher")?.remove();
  });

  it("links to /diagnostics, also when the kiosk list cannot load", async () => {
    window.fetch = async () =>
      new Response(JSON.stringify({ error: { code: "unavailable", message: "Renderer is still starting" } }), { status: 503 });
    const launcher: JiomosaLauncher = document.createElement("jiomosa-launcher");
    document.body.append(launcher);
    await waitFor(() => launcher.shadowRoot?.querySelector("[role=alert]"), "the error");
    const link = launcher.shadowRoot!.querySelector<HTMLAnchorElement>("a.diagnostics")!;
    expect(link.getAttribute("href")).to.equal("/diagnostics");
    expect(link.textContent).to.equal("Diagnostics");
  });
});
