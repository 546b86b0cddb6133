/**
 * Which URLs a session may open: the origins of the configured kiosks and the `allow` patterns.
 * Built-in pages served by the renderer are allowed by path prefix only, so a session can
 * never reach the renderer's own API through its page.
 */
import { networkInterfaces } from "node:os";

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

  constructor(
    kioskUrls: readonly string[],
    allowPatterns: readonly string[],
    private readonly selfOrigin: string,
    /** Other spellings of the appliance's origin (its LAN addresses, localhost). */
    otherSelfOrigins: readonly string[] = [],
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

  /** Returns null when `raw` may be opened, else the reason it may not. */
  check(raw: string): string | null {
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
    return `${url.origin} is not a configured kiosk and matches no allow pattern`;
  }
}

/** `*` matches any run of characters; everything else is literal. A pattern must match the whole URL. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}
