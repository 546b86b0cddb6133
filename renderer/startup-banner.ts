/**
 * What the renderer prints once it listens: the URL tablets open, with the box's real LAN
 * address, and that URL as a QR code a tablet's camera can read off the terminal (or off
 * `docker compose logs renderer`). Printed for `npm start` and the container alike.
 */
import { readFileSync } from "node:fs";
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";
import QRCode from "qrcode";

const LINK_LOCAL_V4 = /^169\.254\./;
const ROUTE_TABLE = "/proc/net/route";

/** The interface of the IPv4 default route (Linux), so the address tablets use comes first. */
export function defaultRouteInterface(routeTable: string | null = readRouteTable()): string | null {
  if (!routeTable) return null;
  for (const line of routeTable.split("\n").slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (destination === "00000000" && mask === "00000000" && iface) return iface;
  }
  return null;
}

function readRouteTable(): string | null {
  try {
    return readFileSync(ROUTE_TABLE, "utf8");
  } catch {
    return null;
  }
}

/** Non-internal IPv4 addresses of this box, the default route's interface first. */
export function lanAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  preferred: string | null = defaultRouteInterface(),
): string[] {
  const names = Object.keys(interfaces).sort((a, b) => Number(b === preferred) - Number(a === preferred));
  const addresses: string[] = [];
  for (const name of names) {
    for (const info of interfaces[name] ?? []) {
      if (info.family === "IPv4" && !info.internal && !LINK_LOCAL_V4.test(info.address) && !addresses.includes(info.address)) {
        addresses.push(info.address);
      }
    }
  }
  return addresses;
}

/** The URLs tablets can open, the one to use first. */
export function tabletUrls(listenHost: string, port: number, addresses: string[] = lanAddresses()): string[] {
  const anyAddress = listenHost === "0.0.0.0" || listenHost === "::" || listenHost === "";
  const hosts = anyAddress ? addresses : [listenHost];
  return (hosts.length > 0 ? hosts : ["127.0.0.1"]).map((host) => `http://${host.includes(":") ? `[${host}]` : host}:${port}/`);
}

/** The banner text; its first line is what scripts (and the tests) look for. */
export async function startupBanner(version: string, urls: string[]): Promise<string> {
  // urlsOf gives at least one URL (loopback when the box has no other address).
  const [first = "http://127.0.0.1/", ...others] = urls;
  const lines = [`Jiomosa ${version} is up: open ${first} on a tablet`];
  if (first.startsWith("http://127.0.0.1:")) lines.push("  (no LAN address found on this box: tablets cannot reach it yet)");
  if (others.length > 0) lines.push(`  also reachable at ${others.join(", ")}`);
  const qr = await QRCode.toString(first, { type: "terminal", small: true, errorCorrectionLevel: "M" });
  return `${lines.join("\n")}\n${qr}\n`;
}
