/**
 * The Host names the appliance answers to. A web page on the internet whose name a LAN user's
 * browser resolves to the box (DNS rebinding) sends its own name as Host; answering only to the
 * box's addresses, its hostname, localhost and the configured `listen.hosts` closes the API and
 * the signaling to it. Interface addresses are read again when an unknown one shows up, since
 * DHCP may change them while the appliance runs.
 */
import { isIP } from "node:net";
import { hostname as osHostname, networkInterfaces } from "node:os";

/** Interfaces are read again at most this often when a Host is not known. */
const INTERFACE_REFRESH_MS = 5_000;

/** The host part of a Host header, lowercased, without port, brackets or one trailing dot; null if malformed. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/.exec(header.trim());
  if (!match) return null;
  if (match[1] !== undefined) return isIP(match[1]) === 6 ? match[1].toLowerCase() : null;
  const name = match[2]!.toLowerCase().replace(/\.$/, "");
  return name === "" || name.startsWith(".") || name.includes("..") ? null : name;
}

function isLoopback(host: string): boolean {
  return host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

export class HostAllowlist {
  private readonly names: Set<string>;
  private addresses = new Set<string>();
  private readAt = 0;

  constructor(
    configured: string[],
    private readonly now: () => number = Date.now,
  ) {
    const host = osHostname().toLowerCase();
    this.names = new Set(["localhost", host, `${host}.local`, ...configured.map((h) => h.toLowerCase())]);
    this.readInterfaces();
  }

  /** Why a request with this Host header is refused, or null when it is the box's own name. */
  refusal(header: string | undefined): string | null {
    const host = hostOf(header);
    if (host === null) {
      const what = header ? `the Host header ${JSON.stringify(header.slice(0, 100))} is malformed` : "the request has no Host header";
      return `${what}; this appliance answers to its own addresses, its hostname, localhost and listen.hosts`;
    }
    if (this.names.has(host) || isLoopback(host) || this.addresses.has(host)) return null;
    if (isIP(host) !== 0 && this.now() - this.readAt > INTERFACE_REFRESH_MS) {
      this.readInterfaces();
      if (this.addresses.has(host)) return null;
    }
    return `this appliance does not answer to the name ${JSON.stringify(host)}; add it to listen.hosts in the config if tablets use it`;
  }

  private readInterfaces(): void {
    this.readAt = this.now();
    const found = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) found.add(a.address.toLowerCase().split("%")[0] ?? "");
    }
    this.addresses = found;
  }
}
