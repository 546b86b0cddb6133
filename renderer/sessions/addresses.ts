/**
 * What an IP address is to the appliance: the box itself (loopback, unspecified, any address of
 * its interfaces), a private or otherwise local network, or the public internet. Decided on the
 * resolved address, never on how a URL spells its host: `localhost.`, `127.0.0.2`, `[::1]`,
 * `[::ffff:127.0.0.1]`, `2130706433` and the box's own LAN address all land on "appliance".
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

export type AddressClass = "appliance" | "private" | "public";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the proxy connects to one of exactly these). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Loopback and "this host" (a connection to 0.0.0.0 or :: reaches the box itself). */
const SELF = new BlockList();
SELF.addSubnet("127.0.0.0", 8, "ipv4");
SELF.addSubnet("0.0.0.0", 8, "ipv4");
SELF.addAddress("::1", "ipv6");
SELF.addAddress("::", "ipv6");

/** The LAN, link-local and metadata, CGNAT, benchmarking, multicast and reserved ranges. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
// ::/96 holds the deprecated IPv4-compatible form; 64:ff9b::/96 is NAT64 (it reaches IPv4 behind it).
for (const [net, prefix] of [
  ["::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

const INTERFACES_CACHE_MS = 5_000;
let interfaces: { at: number; addresses: Set<string> } | null = null;

/** Every address of the box's own interfaces (re-read every few seconds: DHCP may change them). */
export function boxAddresses(): Set<string> {
  if (interfaces && Date.now() - interfaces.at < INTERFACES_CACHE_MS) return interfaces.addresses;
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) addresses.add(canonical(info.address));
  }
  interfaces = { at: Date.now(), addresses };
  return addresses;
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`) becomes the IPv4 address; zone ids go. */
export function canonical(address: string): string {
  const bare = address
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "")
    .toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return bare;
}

export function classifyAddress(raw: string, box: Set<string> = boxAddresses()): AddressClass {
  const address = canonical(raw);
  const family = isIP(address);
  if (family === 0) return "private";
  const type = family === 4 ? "ipv4" : "ipv6";
  if (SELF.check(address, type) || box.has(address)) return "appliance";
  return PRIVATE.check(address, type) ? "private" : "public";
}

/** True for any address that is not on the public internet (the box itself included). */
export function isPrivateAddress(address: string): boolean {
  return classifyAddress(address, new Set()) !== "public";
}

/** The host of a URL or a CONNECT line as an address when it is one (brackets removed), else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) ? bare : null;
}

export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A resolver with a short cache: the proxy resolves a name once per connection, not per byte. */
export function cachingResolver(resolve: Resolver, ttlMs: number, maxEntries = 1000): Resolver {
  const cache = new Map<string, { at: number; addresses: Promise<ResolvedAddress[]> }>();
  return (hostname) => {
    const hit = cache.get(hostname);
    if (hit && Date.now() - hit.at < ttlMs) return hit.addresses;
    if (cache.size >= maxEntries) cache.clear();
    const addresses = resolve(hostname);
    cache.set(hostname, { at: Date.now(), addresses });
    addresses.catch(() => cache.delete(hostname));
    return addresses;
  };
}
