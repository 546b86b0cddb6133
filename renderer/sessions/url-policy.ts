/**
 * Which URLs a session may open, and which addresses its browser may reach at all.
 *
 * Documents (checked through CDP Fetch and at the API): the origins of the configured kiosks and
 * the `allow` patterns; with `allowCustomUrls` any public site.
 * Every connection (checked by the egress proxy, for every request of every target): the box
 * itself on the appliance's port only for its built-in pages (`/pages/…`), never its API; a
 * private or loopback address only when a kiosk origin or an allow pattern names that very host
 * and port. Both decide on the resolved address, so no spelling of a host gets round them.
 */
import { networkInterfaces } from "node:os";
import {
  type AddressClass,
  boxAddresses,
  cachingResolver,
  classifyAddress,
  ipLiteral,
  type ResolvedAddress,
  type Resolver,
  systemResolver,
} from "./addresses.js";
import type { Destination } from "../browser/egress-proxy.js";
import { effectivePort, parseUrlPattern, type UrlPattern } from "../config/url-pattern.js";

export { isPrivateAddress } from "./addresses.js";

export const BUILTIN_PAGES_PREFIX = "/pages/";
const LOCAL_NAMES = /(^|\.)(localhost|local|lan|internal|intranet|home\.arpa|corp)\.?$/i;
const DNS_CACHE_MS = 10_000;
const SAFE_METHODS = new Set(["GET", "HEAD"]);
const API_REFUSED = "the appliance's own API is not reachable from a session";

/**
 * Every origin under which a page could reach the appliance: loopback names and each address
 * of the box, on the appliance's port (CDP Fetch pauses every request to these).
 */
export function appOrigins(selfOrigin: string): string[] {
  const port = new URL(selfOrigin).port;
  const hosts = new Set(["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]);
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) hosts.add(info.family === "IPv6" ? `[${info.address}]` : info.address);
  }
  return [...hosts].map((h) => `http://${h}:${port}`);
}

export interface UrlPolicyOptions {
  kioskUrls: readonly string[];
  allow: readonly string[];
  /** Where Chromium reaches the appliance, e.g. http://127.0.0.1:8000 (its port is the API's). */
  selfOrigin: string;
  /** Any public http(s) site may be opened (the launcher's free URL field); private ranges stay closed. */
  allowCustomUrls?: boolean;
  /** DNS (tests give their own). */
  resolve?: Resolver;
  /** The box's own addresses (tests give their own). */
  boxAddresses?: () => Set<string>;
}

/** Where the proxy may connect for one request, or why it may not. */

export class UrlPolicy {
  private readonly origins = new Set<string>();
  private readonly patterns: UrlPattern[];
  private readonly named: UrlPattern[];
  private readonly selfPort: number;
  private readonly resolve: Resolver;
  private readonly box: () => Set<string>;
  private readonly allowCustomUrls: boolean;

  constructor(options: UrlPolicyOptions) {
    const self = new URL(options.selfOrigin);
    this.selfPort = effectivePort(self);
    for (const url of options.kioskUrls) {
      const origin = new URL(url).origin;
      if (origin !== self.origin) this.origins.add(origin);
    }
    this.patterns = options.allow.map(parseUrlPattern);
    // A kiosk origin names its host and port exactly as a pattern without wildcards would.
    this.named = [...this.patterns, ...[...this.origins].map((origin) => parseUrlPattern(`${origin}/`))];
    this.resolve = options.resolve ?? cachingResolver(systemResolver, DNS_CACHE_MS);
    this.box = options.boxAddresses ?? boxAddresses;
    this.allowCustomUrls = options.allowCustomUrls ?? false;
  }

  /** Resolves a kiosk URL from config: a path is a page served by the renderer itself. */
  static resolveKioskUrl(url: string, selfOrigin: string): string {
    return new URL(url, selfOrigin).href;
  }

  /** Returns null when the document at `raw` may be opened, else the reason it may not. */
  async check(raw: string): Promise<string | null> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "not a valid URL";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return `the ${url.protocol} scheme is not allowed`;
    if (url.username || url.password) return "URLs with credentials are not allowed";
    const byName = this.origins.has(url.origin) || this.patterns.some((p) => p.matches(url));
    const port = effectivePort(url);
    if (!byName && !this.allowCustomUrls) {
      // No DNS for a refusal: only an address or a loopback name can be the appliance itself.
      const literal = ipLiteral(url.hostname) ?? (/^localhost\.?$/i.test(url.hostname) ? "127.0.0.1" : null);
      if (literal && this.isAppliancePort([{ address: literal, family: 4 }], port))
        return this.builtinPage(url.protocol, "GET", url.pathname);
      return `${url.origin} is not a configured kiosk and matches no allow pattern`;
    }
    const decision = await this.destination(url.hostname, port, { scheme: url.protocol, method: "GET", path: url.pathname });
    if ("refused" in decision) {
      // An allowed name that does not resolve (an offline box): the navigation fails by itself.
      if (byName && decision.refused.endsWith("does not resolve")) return null;
      return decision.refused;
    }
    if (!byName && LOCAL_NAMES.test(url.hostname) && classifyAddress(decision.address, this.box()) !== "appliance")
      return `${url.hostname} is a local name`;
    return null;
  }

  /**
   * For the egress proxy: where one connection may go. `request` is known for plain HTTP (the
   * proxy sees the path); a CONNECT tunnel (https, WebSockets) has none.
   */
  async destination(host: string, port: number, request?: { scheme: string; method: string; path: string }): Promise<Destination> {
    const hostname = normalizeHost(host);
    if (hostname === null) return { refused: `${host.slice(0, 100)} is not a valid host` };
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.lookup(hostname);
    } catch {
      return { refused: `${hostname} does not resolve` };
    }
    if (addresses.length === 0) return { refused: `${hostname} does not resolve` };
    const box = this.box();
    const classes: AddressClass[] = addresses.map((a) => classifyAddress(a.address, box));
    if (this.isAppliancePort(addresses, port, box)) {
      const refused = request ? this.builtinPage(request.scheme, request.method, request.path) : API_REFUSED;
      return refused ? { refused } : pick(addresses, classes, "appliance");
    }
    const local = classes.findIndex((c) => c !== "public");
    if (local >= 0 && !this.named.some((p) => p.names(hostname, port))) {
      const at = addresses[local]!.address;
      const what = hostname === at ? hostname : `${hostname} (${at})`;
      return { refused: `${what} is a private or local address that no kiosk or allow pattern names` };
    }
    const [first] = addresses as [ResolvedAddress, ...ResolvedAddress[]];
    return { address: first.address, family: first.family };
  }

  private lookup(hostname: string): Promise<ResolvedAddress[]> {
    const literal = ipLiteral(hostname);
    if (literal) return Promise.resolve([{ address: literal, family: literal.includes(":") ? 6 : 4 }]);
    return this.resolve(hostname.replace(/\.$/, ""));
  }

  private isAppliancePort(addresses: ResolvedAddress[], port: number, box = this.box()): boolean {
    return port === this.selfPort && addresses.some((a) => classifyAddress(a.address, box) === "appliance");
  }

  private builtinPage(scheme: string, method: string, path: string): string | null {
    return scheme === "http:" && SAFE_METHODS.has(method) && path.startsWith(BUILTIN_PAGES_PREFIX) && !path.includes("..")
      ? null
      : API_REFUSED;
  }
}

/** The host as the URL parser spells it (lower case, IPv4 numbers in dotted form), or null. */
function normalizeHost(host: string): string | null {
  try {
    const hostname = new URL(`http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`).hostname;
    return hostname || null;
  } catch {
    return null;
  }
}

function pick(addresses: ResolvedAddress[], classes: AddressClass[], wanted: AddressClass): Destination {
  const index = Math.max(classes.indexOf(wanted), 0);
  const chosen = addresses[index]!;
  return { address: chosen.address, family: chosen.family };
}
