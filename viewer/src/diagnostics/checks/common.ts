/** What every diagnostics check shares: ids, outcomes, the environment, the plain-words hints and the timeout. */
import type { PeerConnectionConstructor } from "../../connection/peer-link.js";
import type { FetchFunction, WebSocketConstructor } from "../../connection/session-controller.js";

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
export const STUN_UNAUTHORIZED = 401;
export const ICE_SERVER_UNREACHABLE = 701;

export const BOX_DOWN_HINT =
  "The box or its renderer is down, or this is the wrong address: check that the box is on and the renderer runs (npm start, or docker compose ps), and open http://<box address>:<port>/ on the tablet.";
export const WIFI_HINT =
  "The Wi-Fi link is slow or busy: move the tablet closer to the access point, use the 5 GHz band, or connect the box by cable. Taps feel late until then.";
export const NO_WEBRTC_HINT = "This browser cannot show the stream: use Chrome, or update Android System WebView (Play Store).";

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

export const pass = (text: string): CheckOutcome => ({ result: "pass", text });
export const fail = (text: string, hint: string): CheckOutcome => ({ result: "fail", text, hint });
export const skip = (text: string): CheckOutcome => ({ result: "skipped", text });

export type JsonReply = { ok: boolean; status: number; body: unknown } | { failure: "timeout" | "network" };

export async function getJson(env: CheckEnvironment, path: string): Promise<JsonReply> {
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

/**
 * Waits until `start` calls `finish`, at most the check timeout; on timeout or abort the value is
 * `onTimeout()`. The cleanup `start` returns runs once, whichever came first.
 */
export function within<T>(env: CheckEnvironment, start: (finish: (value: T) => void) => () => void, onTimeout: () => T): Promise<T> {
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
export const duration = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`);
