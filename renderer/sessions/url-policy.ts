/**
 * Which URLs a session may open: the origins of the configured kiosks and the `allow` patterns.
 * Built-in pages served by the renderer are allowed by path prefix only, so a session can
 * never reach the renderer's own API through its page.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/** Addresses a custom URL may never reach: the box itself, the LAN, link-local and metadata, CGNAT, multicast. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}
const LOCAL_NAMES = /(^|\.)(localhost|local|lan|internal|intranet|home\.arpa|corp)$/i;
const DNS_CACHE_MS = 60_000;

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

export const BUILTIN_PAGES_PREFIX = "/pages/";

/**
 * Every origin under which a page could reach the appliance: loopback names and each address
 * of the box, on the appliance's port.
 */
export function appOrigins(selfOrigin: string): string[] {
  const port = new URL(selfOrigin).port;
  const hosts = new Set(["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]);
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) hosts.add(info.family === "IPv6" ? `[${info.address}]` : info.address);
  }
  return [...hosts].map((h) => `http://${h}:${port}`);
}

export class UrlPolicy {
  private readonly origins = new Set<string>();
  private readonly patterns: RegExp[];

  private readonly selfOriginSet: Set<string>;
  private readonly dnsCache = new Map<string, { privateReason: string | null; at: number }>();
  /** Set when the URL is outside the kiosks and allow patterns but custom URLs are on: DNS decides. */
  private static readonly CUSTOM = "custom";

  constructor(
    kioskUrls: readonly string[],
    allowPatterns: readonly string[],
    private readonly selfOrigin: string,
    /** Other spellings of the appliance's origin (its LAN addresses, localhost). */
    otherSelfOrigins: readonly string[] = [],
    /** Any public http(s) site may be opened (the launcher's free URL field); private ranges stay closed. */
    private readonly allowCustomUrls = false,
  ) {
    this.selfOriginSet = new Set([selfOrigin, ...otherSelfOrigins]);
    for (const url of kioskUrls) {
      const origin = new URL(url).origin;
      if (origin !== selfOrigin) this.origins.add(origin);
    }
    this.patterns = allowPatterns.map(globToRegExp);
  }

  /** Resolves a kiosk URL from config: a path is a page served by the renderer itself. */
  static resolveKioskUrl(url: string, selfOrigin: string): string {
    return new URL(url, selfOrigin).href;
  }

  /**
   * Returns null when `raw` may be opened, else the reason it may not. With custom URLs on, a
   * host outside the kiosks and allow patterns is resolved: every address must be public.
   */
  async check(raw: string): Promise<string | null> {
    const reason = this.checkStatic(raw);
    if (reason !== UrlPolicy.CUSTOM) return reason;
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) return isPrivateAddress(host) ? `${host} is a private or local address` : null;
    if (LOCAL_NAMES.test(host)) return `${host} is a local name`;
    const cached = this.dnsCache.get(host);
    if (cached && Date.now() - cached.at < DNS_CACHE_MS) return cached.privateReason;
    let privateReason: string | null;
    try {
      const addresses = await lookup(host, { all: true, verbatim: true });
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      privateReason = bad ? `${host} resolves to the private or local address ${bad.address}` : addresses.length ? null : `${host} does not resolve`;
    } catch {
      privateReason = `${host} does not resolve`;
    }
    if (this.dnsCache.size > 1000) this.dnsCache.clear();
    this.dnsCache.set(host, { privateReason, at: Date.now() });
    return privateReason;
  }

  private checkStatic(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "not a valid URL";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return `the ${url.protocol} scheme is not allowed`;
    if (url.username || url.password) return "URLs with credentials are not allowed";
    if (this.selfOriginSet.has(url.origin)) {
      return url.origin === this.selfOrigin && url.pathname.startsWith(BUILTIN_PAGES_PREFIX) ? null : "the appliance's own API is not reachable from a session";
    }
    if (this.origins.has(url.origin)) return null;
    if (this.patterns.some((re) => re.test(url.href))) return null;
    if (this.allowCustomUrls) return UrlPolicy.CUSTOM;
    return `${url.origin} is not a configured kiosk and matches no allow pattern`;
  }
}

/** `*` matches any run of characters; everything else is literal. A pattern must match the whole URL. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}
