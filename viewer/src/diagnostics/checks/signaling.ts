/** `websocket` and `rtt`: one signaling WebSocket probe answers both. */
import { SIGNALING_PATH } from "../../../../protocol/index.js";
import { describeError, readServerMessage } from "../../../../protocol/index.js";
import {
  type CheckEnvironment,
  type CheckOutcome,
  duration,
  fail,
  pass,
  type Report,
  RTT_LIMIT_MS,
  RTT_SAMPLES,
  skip,
  within,
  WIFI_HINT,
} from "./common.js";

export type Ping = { ms: number } | { failure: string; rejected?: boolean };

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
      const message = readServerMessage(JSON.parse(data));
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
