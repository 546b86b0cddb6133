/**
 * The browsers' one way out: Chromium is launched with --proxy-server pointing here (loopback
 * included, `<-loopback>`), so every request of every target (pages, popups, frames, dedicated,
 * shared and service workers) and every WebSocket (Chromium tunnels them through CONNECT) passes
 * through this proxy, which CDP Fetch cannot promise for WebSockets nor for targets it attaches
 * to late. For each request it resolves the host once, asks the URL policy about the addresses,
 * and connects to exactly the address it checked: no spelling of a host (`127.0.0.2`, `[::1]`,
 * `localhost.`, the box's LAN name) and no DNS rebinding between check and connect gets round it.
 *
 * The HTTP/CONNECT machinery is proxy-chain's; this module only decides.
 */
import type * as dns from "node:dns";
import { RequestError, Server } from "proxy-chain";
import type { Logger } from "../log.js";

/** Where a request may connect: exactly this resolved address, or nowhere and why. */
export type Destination = { address: string; family: 4 | 6 } | { refused: string };

export type DestinationCheck = (
  host: string,
  port: number,
  request?: { scheme: string; method: string; path: string },
) => Promise<Destination>;

const REFUSED_STATUS = 403;
const UNRESOLVED_STATUS = 502;
const MAX_LOGGED_URL = 300;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A DNS lookup that answers the one address the policy approved, whatever name is asked. */
function pinnedLookup(address: string, family: 4 | 6): typeof dns.lookup {
  const lookup = (_hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  // Node calls it as (hostname, options, callback): the one form net.connect and http.request use.
  return lookup as unknown as typeof dns.lookup;
}

export class EgressProxy {
  private server: Server | null = null;
  private check: DestinationCheck | null = null;
  private readonly log: Logger;
  private refusedCount = 0;

  constructor(options: { log: Logger }) {
    this.log = options.log.child({ module: "egress" });
  }

  /** Until the policy is set (the sessions exist), every connection is refused. */
  setPolicy(check: DestinationCheck): void {
    this.check = check;
  }

  get port(): number {
    if (!this.server) throw new Error("the egress proxy is not running");
    return this.server.port;
  }

  /** Connections refused so far (for /api/info and tests of the policy's cost). */
  get refused(): number {
    return this.refusedCount;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new Server({
      host: "127.0.0.1",
      port: 0,
      verbose: false,
      prepareRequestFunction: async ({ request, hostname, port, isHttp }) => {
        let path: string | undefined;
        if (isHttp) {
          try {
            path = new URL(request.url ?? "").pathname;
          } catch {
            path = "/";
          }
        }
        const what = isHttp ? (request.url ?? "").slice(0, MAX_LOGGED_URL) : `CONNECT ${hostname}:${port}`;
        const decision: Destination = this.check
          ? await this.check(hostname, port, path === undefined ? undefined : { scheme: "http:", method: request.method ?? "GET", path })
          : { refused: "the appliance is starting" };
        if ("refused" in decision) {
          // A name that does not resolve is a network error (Chromium's own update checks on an
          // offline box), not a page trying something: quiet in the log, 502 as a real proxy says.
          if (decision.refused.endsWith("does not resolve")) {
            this.log.debug({ url: what }, "name does not resolve");
            throw new RequestError(decision.refused, UNRESOLVED_STATUS);
          }
          this.refusedCount++;
          this.log.info({ url: what, reason: decision.refused }, "connection refused by the URL policy");
          throw new RequestError(`Blocked by the kiosk appliance: ${decision.refused}`, REFUSED_STATUS);
        }
        return { dnsLookup: pinnedLookup(decision.address, decision.family) };
      },
    });
    // Failed upstream connections are the page's business (it sees a network error), not ours.
    server.on("requestFailed", ({ error }: { error: Error }) => this.log.debug({ err: String(error) }, "proxied request failed"));
    await server.listen();
    this.server = server;
    this.log.info({ port: server.port }, "egress proxy listening");
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close(true).catch((err: unknown) => this.log.warn({ err: String(err) }, "closing the egress proxy failed"));
  }
}
