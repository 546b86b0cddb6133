import assert from "node:assert/strict";
import type { NetworkInterfaceInfo } from "node:os";
import { test } from "node:test";
import { defaultRouteInterface, lanAddresses, startupBanner, tabletUrls } from "../../renderer/startup-banner.js";

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: "255.255.255.0", family: "IPv4", mac: "00:00:00:00:00:00", internal, cidr: `${address}/24` };
}

function v6(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: "ffff:ffff:ffff:ffff::",
    family: "IPv6",
    mac: "00:00:00:00:00:00",
    internal: false,
    cidr: `${address}/64`,
    scopeid: 2,
  };
}

const ROUTES = `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0
`;

test("the default route's interface is read from the kernel's route table", () => {
  assert.equal(defaultRouteInterface(ROUTES), "wlan0");
  assert.equal(defaultRouteInterface("Iface\tDestination\n"), null);
  assert.equal(defaultRouteInterface(null), null);
});

test("LAN addresses: non-internal IPv4 only, the default route's interface first, no link-local", () => {
  const interfaces = {
    lo: [v4("127.0.0.1", true)],
    docker0: [v4("172.17.0.1")],
    wlan0: [v4("192.168.1.20"), v6("fe80::1")],
    eth1: [v4("169.254.3.4"), v4("10.0.0.5")],
  };
  assert.deepEqual(lanAddresses(interfaces, "wlan0"), ["192.168.1.20", "172.17.0.1", "10.0.0.5"]);
  assert.deepEqual(lanAddresses(interfaces, null), ["172.17.0.1", "192.168.1.20", "10.0.0.5"]);
});

test("tablet URLs: every LAN address when listening on all, the listen host otherwise", () => {
  assert.deepEqual(tabletUrls("0.0.0.0", 8000, ["192.168.1.20", "10.0.0.5"]), ["http://192.168.1.20:8000/", "http://10.0.0.5:8000/"]);
  assert.deepEqual(tabletUrls("192.168.1.30", 8080, ["192.168.1.20"]), ["http://192.168.1.30:8080/"]);
  assert.deepEqual(tabletUrls("0.0.0.0", 8000, []), ["http://127.0.0.1:8000/"]);
});

test("the banner names the real URL, lists the others and draws a QR code", async () => {
  const banner = await startupBanner("1.2.3", ["http://192.168.1.20:8000/", "http://10.0.0.5:8000/"]);
  const lines = banner.split("\n");
  assert.equal(lines[0], "Jiomosa 1.2.3 is up: open http://192.168.1.20:8000/ on a tablet");
  assert.match(banner, /also reachable at http:\/\/10\.0\.0\.5:8000\//);
  assert.doesNotMatch(banner, /this box's address/);
  // A QR code of a 26-character URL is 25 modules wide plus the quiet zone, two rows per line.
  const qrRows = lines.filter((line) => /[█▀▄]/.test(line));
  assert.ok(qrRows.length >= 13, `expected a QR code under the URL, got:\n${banner}`);
});

test("the banner says so when the box has no LAN address", async () => {
  const banner = await startupBanner("1.2.3", tabletUrls("0.0.0.0", 8000, []));
  assert.match(banner, /no LAN address found/);
});
