/**
 * The checks behind `/diagnostics`: what someone setting up a tablet needs to know about the
 * path from the tablet to the box, in plain words. Each check ends in a CheckOutcome (a result,
 * a short text and, on failure, what to fix) and never throws. A check opens what it needs (a
 * request, the signaling WebSocket, RTCPeerConnections) and closes it before it resolves, also
 * when the run is aborted; the element only shows the outcomes.
 *
 * Longer than the usual ~400 lines because every check shares the environment and `within()`;
 * if it grows, the ICE/TURN half is the place to cut.
 */
import { type IceServer, optional, readArray, readBoolean, readObject, readString, required, SIGNALING_PATH } from "../../../protocol/index.js";
import type { PeerConnectionConstructor } from "../connection/peer-link.js";
import { describeError, readInboundSignal } from "../connection/server-messages.js";
import type { FetchFunction, WebSocketConstructor } from "../connection/session-controller.js";

export const CHECK_IDS = ["http", "websocket", "rtt", "ice", "turn-udp", "turn-tcp", "vp8"] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckResult = "running" | "pass" | "fail" | "skipped";

export interface CheckOutcome {
  result: Exclude<CheckResult, "running">;
  text: string;
  /** What to fix; only on failure. */
  hint?: string;
}

export const HEALTH_PATH = "/health";
export const ICE_SERVERS_PATH = "/api/ice-servers";
/** How long a check waits for one answer: a reply, a pong, the end of ICE gathering. */
export const CHECK_TIMEOUT_MS = 10_000;
export const RTT_SAMPLES = 5;
/** A median round trip at or above this makes taps feel late. */
export const RTT_LIMIT_MS = 100;
/** coturn's relay ports (`min-port`/`max-port` in turn/turnserver.conf), named in hints. */
export const TURN_RELAY_PORTS = "49160-49200";
export const TURN_DISABLED_TEXT = "TURN is disabled in config/kiosk.yaml (turn.enabled)";
export const TURN_SECRETS_TEXT = "TURN refused the credentials: the renderer's and coturn's secrets differ";

/** STUN error code for refused credentials, and the browser's code for "no answer from the server". */
const STUN_UNAUTHORIZED = 401;
const ICE_SERVER_UNREACHABLE = 701;

const BOX_DOWN_HINT = "The box or its renderer is down, or this is the wrong address: check that the box is on and the renderer runs (npm start, or docker compose ps), and open http://<box address>:<port>/ on the tablet.";
const WIFI_HINT = "The Wi-Fi link is slow or busy: move the tablet closer to the access point, use the 5 GHz band, or connect the box by cable. Taps feel late until then.";
const NO_WEBRTC_HINT = "This browser cannot show the stream: use Chrome, or update Android System WebView (Play Store).";

export interface CheckEnvironment {
  /** Origin of the box's HTTP and WebSocket endpoints. */
  baseUrl: string;
  fetch: FetchFunction;
  WebSocket: WebSocketConstructor;
  /** Undefined in a browser without WebRTC. */
  RTCPeerConnection: PeerConnectionConstructor | undefined;
  /** The video codecs the browser can receive; null when it cannot say. */
  videoCapabilities: () => RTCRtpCapabilities | null | Promise<RTCRtpCapabilities | null>;
  timeoutMs: number;
  /** Milliseconds on a monotonic clock, for round trips. */
  now: () => number;
  /** Aborted when the page goes away: every check closes what it opened and resolves. */
  signal: AbortSignal;
}

export type Report = (id: CheckId, outcome: CheckOutcome) => void;

const pass = (text: string): CheckOutcome => ({ result: "pass", text });
const fail = (text: string, hint: string): CheckOutcome => ({ result: "fail", text, hint });
const skip = (text: string): CheckOutcome => ({ result: "skipped", text });

/** Runs every check, independent ones side by side, and reports each outcome as soon as it is known. */
export async function runChecks(env: CheckEnvironment, report: Report): Promise<void> {
  const reported = new Set<CheckId>();
  const note: Report = (id, outcome) => {
    reported.add(id);
    report(id, outcome);
  };
  const problems: string[] = [];
  const guard = (work: () => Promise<void>) => work().catch((err: unknown) => void problems.push(describeError(err)));
  await Promise.all([
    guard(async () => note("http", await checkHttp(env))),
    guard(() => checkSignaling(env, note)),
    guard(() => checkIceAndTurn(env, note)),
    guard(async () => note("vp8", checkVp8(await env.videoCapabilities()))),
  ]);
  // A bug in a check must still end in a row with a result, or the page would spin forever.
  for (const id of CHECK_IDS) {
    if (!reported.has(id)) report(id, fail(`The check stopped unexpectedly: ${problems[0] ?? "no result"}.`, "Reload the page; if this stays, report the text above."));
  }
}

// ---- HTTP ------------------------------------------------------------------------------------

export async function checkHttp(env: CheckEnvironment): Promise<CheckOutcome> {
  const reply = await getJson(env, HEALTH_PATH);
  const host = new URL(env.baseUrl).host;
  if ("failure" in reply) return fail(`No answer from ${host}${reply.failure === "timeout" ? ` within ${duration(env.timeoutMs)}` : ""}.`, BOX_DOWN_HINT);
  let status = "";
  let version = "";
  if (typeof reply.body === "object" && reply.body !== null) {
    const o = reply.body as Record<string, unknown>;
    if (typeof o.status === "string") status = o.status;
    if (typeof o.version === "string") version = o.version;
  }
  if (reply.ok && status === "healthy") return pass(`The box answers${version ? ` (version ${version})` : ""}.`);
  if (reply.status === 503) {
    return fail("The box answers, but its browser is not running.", "The renderer's Chromium is down or still starting: wait a minute, then look at the renderer's log (docker compose logs renderer).");
  }
  return fail(`The box answered ${reply.status}${status ? ` "${status}"` : ""} instead of "healthy".`, BOX_DOWN_HINT);
}

type JsonReply = { ok: boolean; status: number; body: unknown } | { failure: "timeout" | "network" };

async function getJson(env: CheckEnvironment, path: string): Promise<JsonReply> {
  const abort = new AbortController();
  return within<JsonReply>(
    env,
    (finish) => {
      env
        .fetch(new URL(path, env.baseUrl).href, { signal: abort.signal, cache: "no-store", headers: { accept: "application/json" } })
        .then(async (response) => finish({ ok: response.ok, status: response.status, body: await response.json().catch(() => undefined) }))
        .catch(() => finish({ failure: "network" }));
      return () => abort.abort();
    },
    () => ({ failure: "timeout" }),
  );
}

// ---- signaling WebSocket ---------------------------------------------------------------------

type Ping = { ms: number } | { failure: string; rejected?: boolean };

/** The signaling socket, used for nothing but ping/pong. */
class SignalingProbe {
  private socket: WebSocket | null = null;
  private waiter: ((reply: Ping) => void) | null = null;

  constructor(
    private readonly env: CheckEnvironment,
    readonly url: string,
  ) {}

  /** Resolves with null once open, or with why it did not open. */
  open(): Promise<string | null> {
    return within<string | null>(
      this.env,
      (finish) => {
        let socket: WebSocket;
        try {
          socket = new this.env.WebSocket(this.url);
        } catch (err) {
          finish(`it could not be created (${describeError(err)})`);
          return () => undefined;
        }
        this.socket = socket;
        socket.onopen = () => finish(null);
        socket.onclose = (event: CloseEvent) => {
          finish(`the connection was closed (code ${event.code})`);
          this.waiter?.({ failure: `the connection was closed (code ${event.code})` });
        };
        socket.onmessage = (event: MessageEvent) => this.onMessage(event.data);
        return () => undefined;
      },
      () => `no answer within ${duration(this.env.timeoutMs)}`,
    );
  }

  /** Sends one ping and waits for the pong. */
  ping(): Promise<Ping> {
    const socket = this.socket;
    if (!socket) return Promise.resolve({ failure: "the connection is not open" });
    return within<Ping>(
      this.env,
      (finish) => {
        const sent = this.env.now();
        this.waiter = (reply) => finish("ms" in reply ? { ms: this.env.now() - sent } : reply);
        try {
          socket.send(JSON.stringify({ type: "ping" }));
        } catch (err) {
          finish({ failure: describeError(err) });
        }
        return () => {
          this.waiter = null;
        };
      },
      () => ({ failure: `no pong within ${duration(this.env.timeoutMs)}` }),
    );
  }

  /** Safe to call twice. */
  close(): void {
    const socket = this.socket;
    this.socket = null;
    this.waiter = null;
    if (!socket) return;
    socket.onopen = socket.onclose = socket.onmessage = null;
    try {
      socket.close(1000, "diagnostics done");
    } catch {
      // Already closing.
    }
  }

  private onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    try {
      const message = readInboundSignal(JSON.parse(data));
      if (message.type === "pong") this.waiter?.({ ms: 0 });
      else if (message.type === "error") this.waiter?.({ failure: `the box answered with an error: ${message.message}`, rejected: true });
    } catch {
      // Not a signaling message: nothing a ping waits for.
    }
  }
}

/** `websocket`, then `rtt` on the same socket (skipped when the socket does not work). */
export async function checkSignaling(env: CheckEnvironment, report: Report): Promise<void> {
  const url = new URL(SIGNALING_PATH, env.baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const base = new URL(env.baseUrl);
  const port = base.port || (base.protocol === "https:" ? "443" : "80");
  const hint = `A proxy or firewall blocks WebSocket upgrades on port ${port}: allow WebSocket connections to the box on that port, or connect the tablet without the proxy.`;
  const rttSkipped = skip("Not measured: the WebSocket check failed.");
  const probe = new SignalingProbe(env, url.href);
  try {
    const notOpen = await probe.open();
    if (notOpen !== null) {
      report("websocket", fail(`The WebSocket to ${probe.url} did not open: ${notOpen}.`, hint));
      report("rtt", rttSkipped);
      return;
    }
    const first = await probe.ping();
    if ("failure" in first) {
      const rejected = first.rejected ? "The renderer did not understand the ping: update the renderer." : hint;
      report("websocket", fail(`The WebSocket opened, but the ping got no pong: ${first.failure}.`, rejected));
      report("rtt", rttSkipped);
      return;
    }
    report("websocket", pass(`Connected to ${probe.url}; it answers ping with pong.`));
    report("rtt", await measureRtt(probe));
  } finally {
    probe.close();
  }
}

async function measureRtt(probe: SignalingProbe): Promise<CheckOutcome> {
  const samples: number[] = [];
  for (let i = 1; i <= RTT_SAMPLES; i++) {
    const reply = await probe.ping();
    if ("failure" in reply) return fail(`Ping ${i} of ${RTT_SAMPLES} got no pong: ${reply.failure}.`, WIFI_HINT);
    samples.push(reply.ms);
  }
  const ms = median(samples);
  const text = `Median round trip ${Math.round(ms)} ms over ${RTT_SAMPLES} pings`;
  return ms < RTT_LIMIT_MS ? pass(`${text}.`) : fail(`${text}; it should be under ${RTT_LIMIT_MS} ms.`, WIFI_HINT);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---- ICE and TURN ----------------------------------------------------------------------------

/** What `GET /api/ice-servers` hands out: ICE servers with fresh TURN credentials, and the TURN URLs. */
export interface IceSettings {
  iceServers: IceServer[];
  turn: { enabled: boolean; urls: string[] };
}

const readIceServer = (v: unknown, p: string): IceServer => {
  const o = readObject(v, p);
  const server: IceServer = {
    urls: Array.isArray(o.urls) ? readArray(o.urls, `${p}.urls`, (u, up) => readString(u, up)) : required(o, "urls", p, (u, up) => readString(u, up)),
  };
  const username = optional(o, "username", p, (u, up) => readString(u, up));
  const credential = optional(o, "credential", p, (c, cp) => readString(c, cp));
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
};

export function readIceSettings(value: unknown): IceSettings {
  const o = readObject(value, "reply");
  const turn = required(o, "turn", "reply", readObject);
  return {
    iceServers: optional(o, "iceServers", "reply", (v, p) => readArray(v, p, readIceServer)) ?? [],
    turn: {
      enabled: required(turn, "enabled", "reply.turn", readBoolean),
      urls: optional(turn, "urls", "reply.turn", (v, p) => readArray(v, p, (u, up) => readString(u, up))) ?? [],
    },
  };
}

/** `ice`, `turn-udp` and `turn-tcp`, side by side once the ICE settings are in. */
export async function checkIceAndTurn(env: CheckEnvironment, report: Report): Promise<void> {
  const reply = await getJson(env, ICE_SERVERS_PATH);
  let settings: IceSettings;
  try {
    if ("failure" in reply) throw new Error(reply.failure === "timeout" ? `no answer within ${duration(env.timeoutMs)}` : "no answer");
    if (!reply.ok) throw new Error(`the box answered ${reply.status}`);
    settings = readIceSettings(reply.body);
  } catch (err) {
    report("ice", fail(`Cannot load the STUN/TURN settings from ${ICE_SERVERS_PATH}: ${describeError(err)}.`, "The renderer is down or older than this page: restart or update it."));
    const untested = skip("Not tested: the TURN settings could not be loaded.");
    report("turn-udp", untested);
    report("turn-tcp", untested);
    return;
  }
  await Promise.all([
    checkIce(env, settings.iceServers).then((outcome) => report("ice", outcome)),
    checkTurn(env, settings, "udp").then((outcome) => report("turn-udp", outcome)),
    checkTurn(env, settings, "tcp").then((outcome) => report("turn-tcp", outcome)),
  ]);
}

export async function checkIce(env: CheckEnvironment, iceServers: IceServer[]): Promise<CheckOutcome> {
  const gathered = await gather(env, { iceServers }, () => false);
  if (gathered.failure) return fail(`This browser could not start WebRTC: ${gathered.failure}.`, NO_WEBRTC_HINT);
  const count = (type: string) => gathered.candidates.filter((c) => candidateType(c) === type).length;
  const total = gathered.candidates.length;
  const late = gathered.timedOut ? ` (gathering did not finish within ${duration(env.timeoutMs)})` : "";
  if (total === 0) {
    return fail(`No candidates: the browser found no network path${late}.`, "Check that the tablet is on the kiosk's Wi-Fi (not only mobile data) and that no VPN or privacy setting blocks WebRTC.");
  }
  return pass(`${total} candidate${total === 1 ? "" : "s"}: ${count("host")} host (direct), ${count("srflx")} srflx (via STUN), ${count("relay")} relay (via TURN)${late}.`);
}

export async function checkTurn(env: CheckEnvironment, settings: IceSettings, transport: "udp" | "tcp"): Promise<CheckOutcome> {
  if (!settings.turn.enabled) return skip(TURN_DISABLED_TEXT);
  const name = transport.toUpperCase();
  const urls = settings.turn.urls.filter((url) => turnTransport(url) === transport);
  const first = urls[0];
  if (first === undefined) {
    return fail(`No TURN URL over ${name} is configured.`, `Add "turn:<box address>:3478?transport=${transport}" to turn.urls in config/kiosk.yaml.`);
  }
  const credentials = credentialsFor(urls, settings.iceServers);
  if (!credentials) return fail(`The box sent no TURN credentials for ${first}.`, "Give the renderer the TURN secret (TURN_SECRET in .env) and restart it.");
  const gathered = await gather(
    env,
    { iceServers: [{ urls, ...credentials }], iceTransportPolicy: "relay" },
    // A relay candidate settles it; so does a refusal, since every attempt uses the same credentials.
    (g) => g.candidates.some((c) => candidateType(c) === "relay") || g.errors.some((e) => e.code === STUN_UNAUTHORIZED),
  );
  if (gathered.failure) return fail(`This browser could not start WebRTC: ${gathered.failure}.`, NO_WEBRTC_HINT);
  const relay = gathered.candidates.find((c) => candidateType(c) === "relay");
  if (relay) return pass(`Relay over ${name} works: relay address ${candidateAddress(relay)}.`);
  if (gathered.errors.some((e) => e.code === STUN_UNAUTHORIZED)) {
    return fail(TURN_SECRETS_TEXT, "Use one TURN_SECRET for both (in .env), then restart both: docker compose up -d. Without Docker, pass the renderer's secret to coturn as --static-auth-secret.");
  }
  const other = gathered.errors.find((e) => e.code !== ICE_SERVER_UNREACHABLE);
  if (other) {
    return fail(`TURN at ${other.url || first} answered error ${other.code}${other.text ? ` (${other.text})` : ""}.`, "coturn's log says why it refused: docker compose logs turn.");
  }
  const url = gathered.errors.find((e) => e.url)?.url || first;
  return fail(`TURN server not reachable at ${url}`, `Check that coturn runs and that ${turnPort(url)}/${transport} and the relay ports ${TURN_RELAY_PORTS}/udp are open.`);
}

interface IceError {
  code: number;
  text: string;
  url: string;
}

interface Gathered {
  candidates: string[];
  errors: IceError[];
  timedOut: boolean;
  /** Set when WebRTC could not even start. */
  failure?: string;
}

/**
 * Gathers local candidates with one throw-away RTCPeerConnection (a DataChannel gives the offer
 * something to negotiate) until gathering completes, `enough` says so, or the timeout passes.
 */
function gather(env: CheckEnvironment, config: RTCConfiguration, enough: (g: Gathered) => boolean): Promise<Gathered> {
  const g: Gathered = { candidates: [], errors: [], timedOut: false };
  const Peer = env.RTCPeerConnection;
  if (!Peer) return Promise.resolve({ ...g, failure: "it has no RTCPeerConnection" });
  return within<Gathered>(
    env,
    (finish) => {
      let peer: RTCPeerConnection;
      try {
        peer = new Peer(config);
      } catch (err) {
        finish({ ...g, failure: describeError(err) });
        return () => undefined;
      }
      const done = () => finish({ ...g });
      peer.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
        const candidate = event.candidate?.candidate;
        if (!candidate) return done(); // null (or an empty string in older browsers) ends gathering.
        g.candidates.push(candidate);
        if (enough(g)) done();
      };
      peer.onicegatheringstatechange = () => {
        if (peer.iceGatheringState === "complete") done();
      };
      peer.onicecandidateerror = (event: RTCPeerConnectionIceErrorEvent) => {
        g.errors.push({ code: event.errorCode, text: event.errorText ?? "", url: event.url ?? "" });
        if (enough(g)) done();
      };
      try {
        peer.createDataChannel("diagnostics");
        peer
          .createOffer()
          .then((offer) => peer.setLocalDescription(offer))
          .catch((err: unknown) => finish({ ...g, failure: describeError(err) }));
      } catch (err) {
        finish({ ...g, failure: describeError(err) });
      }
      return () => {
        peer.onicecandidate = peer.onicegatheringstatechange = peer.onicecandidateerror = null;
        peer.close();
      };
    },
    () => ({ ...g, timedOut: true }),
  );
}

/** `host`, `srflx`, `prflx` or `relay` from an ICE candidate line. */
export const candidateType = (candidate: string): string => / typ (\S+)/.exec(candidate)?.[1] ?? "";

/** `address:port` of a candidate line (`candidate:<foundation> <component> <protocol> <priority> <address> <port> typ …`). */
const candidateAddress = (candidate: string): string => {
  const fields = candidate.split(" ");
  return `${fields[4] ?? "?"}:${fields[5] ?? "?"}`;
};

/** The transport a TURN URL asks for: `?transport=` if given, else UDP for `turn:` and TCP (TLS) for `turns:`. */
export function turnTransport(url: string): "udp" | "tcp" | null {
  const explicit = /[?&]transport=(udp|tcp)\b/i.exec(url)?.[1];
  if (explicit) return explicit.toLowerCase() as "udp" | "tcp";
  if (/^turns:/i.test(url)) return "tcp";
  return /^turn:/i.test(url) ? "udp" : null;
}

const turnPort = (url: string): string => /^turns?:(?:\[[^\]]*\]|[^:?]*):(\d+)/i.exec(url)?.[1] ?? (/^turns:/i.test(url) ? "5349" : "3478");

/** The credentials the box minted for these URLs (the entry listing them, else any TURN entry). */
function credentialsFor(urls: readonly string[], servers: readonly IceServer[]): { username: string; credential: string } | null {
  const listed = (s: IceServer) => (Array.isArray(s.urls) ? s.urls : [s.urls]);
  const withCredentials = servers.filter((s) => s.username !== undefined && s.credential !== undefined);
  const match = withCredentials.find((s) => listed(s).some((u) => urls.includes(u))) ?? withCredentials.find((s) => listed(s).some((u) => turnTransport(u) !== null));
  return match ? { username: match.username!, credential: match.credential! } : null;
}

// ---- VP8 -------------------------------------------------------------------------------------

export function checkVp8(capabilities: RTCRtpCapabilities | null): CheckOutcome {
  if (!capabilities) return fail("This browser does not say which video it can receive (WebRTC is missing or too old).", NO_WEBRTC_HINT);
  const vp8 = capabilities.codecs.some((codec) => codec.mimeType.toLowerCase() === "video/vp8");
  return vp8 ? pass("This browser can receive VP8 video.") : fail("This browser cannot receive VP8 video.", NO_WEBRTC_HINT);
}

// ---- helpers ---------------------------------------------------------------------------------

/**
 * Waits until `start` calls `finish`, at most the check timeout; on timeout or abort the value is
 * `onTimeout()`. The cleanup `start` returns runs once, whichever came first.
 */
function within<T>(env: CheckEnvironment, start: (finish: (value: T) => void) => () => void, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    let settled = false;
    let cleanup: (() => void) | null = null;
    const finish = (value: T) => {
      if (settled) return;
      settled = true;
      globalThis.clearTimeout(timer);
      env.signal.removeEventListener("abort", expire);
      cleanup?.();
      resolve(value);
    };
    const expire = () => finish(onTimeout());
    const timer = globalThis.setTimeout(expire, env.timeoutMs);
    env.signal.addEventListener("abort", expire);
    const stop = start(finish);
    if (settled) stop();
    else cleanup = stop;
    if (env.signal.aborted) expire();
  });
}

/** `10 s`, `1.5 s`, `300 ms`. */
const duration = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`);
