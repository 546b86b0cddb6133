/**
 * `allow` patterns, matched part by part: scheme, host, port and path are compared separately,
 * so a `*` never reaches from one part into the next (`https://*.example.com/*` cannot match
 * `https://evil.test/.example.com/` nor `https://evil.test?x=.example.com`).
 *
 *   scheme  `http`, `https` or `*` (either)
 *   host    labels; a leftmost `*` label is any subdomain (one or more labels), another `*`
 *           label is exactly one label, a `*` inside a label stays inside that label
 *   port    a number, `*` (any), or none: the scheme's default port
 *   path    optional; `*` is any run of characters within the path (and the query, when the
 *           pattern has one); no path means any path
 *
 * A pattern whose host has no `*` names that host: only such a pattern opens a private or
 * loopback address (see UrlPolicy).
 */

export class UrlPatternError extends Error {}

export interface UrlPattern {
  readonly source: string;
  /** The host this pattern names literally (normalized as the URL parser does), or null for a wildcard host. */
  readonly namedHost: string | null;
  matches(url: URL): boolean;
  /** Whether the pattern names this host and port literally (the host as URL.hostname spells it). */
  names(hostname: string, port: number): boolean;
}

const PATTERN = /^(https?|\*):\/\/([^/?#]*)(.*)$/i;
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** Literal text with each `*` replaced by the regular expression `anything`. */
function globPart(text: string, anything: string): string {
  return text.split("*").map(escapeRegExp).join(anything);
}

function parseHost(host: string, source: string): { regexp: RegExp | null; named: string | null } {
  if (!host) throw new UrlPatternError(`${JSON.stringify(source)} has no host`);
  if (!host.includes("*")) {
    let named: string;
    try {
      named = new URL(`http://${host}/`).hostname;
    } catch {
      throw new UrlPatternError(`${JSON.stringify(source)}: ${JSON.stringify(host)} is not a valid host`);
    }
    return { regexp: null, named };
  }
  if (host.startsWith("[")) throw new UrlPatternError(`${JSON.stringify(source)}: an IPv6 address cannot hold a *`);
  const labels = host.toLowerCase().split(".");
  if (labels.some((label) => label === "" || !/^[a-z0-9_*-]+$/.test(label))) {
    throw new UrlPatternError(
      `${JSON.stringify(source)}: ${JSON.stringify(host)} is not a valid host pattern (letters, digits, -, _ and * in dot-separated labels)`,
    );
  }
  const parts = labels.map((label, index) => {
    if (label === "*" && index === 0) return "[^.]+(?:\\.[^.]+)*";
    return globPart(label, "[^.]*");
  });
  return { regexp: new RegExp(`^${parts.join("\\.")}$`), named: null };
}

export function parseUrlPattern(source: string): UrlPattern {
  const match = PATTERN.exec(source);
  if (!match) throw new UrlPatternError(`expected an http(s) URL pattern such as http://10.0.0.5:9000/*, got ${JSON.stringify(source)}`);
  // Mandatory groups of PATTERN: always there when it matched.
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!;
  const rest = match[3]!;
  if (authority.includes("@")) throw new UrlPatternError(`${JSON.stringify(source)}: patterns may not carry credentials`);
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}|\*))?$/.exec(authority);
  if (!portMatch) throw new UrlPatternError(`${JSON.stringify(source)}: ${JSON.stringify(authority)} is not host[:port]`);
  const host = parseHost(portMatch[1]!, source);
  const portText = portMatch[2];
  const port = portText === undefined ? null : portText === "*" ? "*" : Number(portText);
  if (typeof port === "number" && (port < 1 || port > 65535))
    throw new UrlPatternError(`${JSON.stringify(source)}: port ${port} is out of range`);
  if (rest !== "" && !rest.startsWith("/")) throw new UrlPatternError(`${JSON.stringify(source)}: the path must start with /`);
  const withQuery = rest.includes("?");
  const pathRegExp = rest === "" ? null : new RegExp(`^${globPart(rest.split("#")[0] ?? "", ".*")}$`);

  const schemeMatches = (protocol: string) => (scheme === "*" ? protocol === "http:" || protocol === "https:" : protocol === `${scheme}:`);
  const portMatches = (url: URL, actual: number) => {
    if (port === "*") return true;
    if (port === null) return actual === DEFAULT_PORTS[url.protocol];
    return actual === port;
  };
  const hostMatches = (hostname: string) => (host.regexp ? host.regexp.test(hostname) : hostname === host.named);

  return {
    source,
    namedHost: host.named,
    matches(url: URL): boolean {
      if (!schemeMatches(url.protocol) || url.username || url.password) return false;
      if (!hostMatches(url.hostname) || !portMatches(url, effectivePort(url))) return false;
      if (!pathRegExp) return true;
      return pathRegExp.test(withQuery ? url.pathname + url.search : url.pathname);
    },
    names(hostname: string, actualPort: number): boolean {
      if (host.named === null || hostname !== host.named) return false;
      if (port === "*") return true;
      if (port !== null) return actualPort === port;
      return scheme === "*" ? actualPort === 80 || actualPort === 443 : actualPort === DEFAULT_PORTS[`${scheme}:`];
    },
  };
}
