import assert from "node:assert/strict";
import { test } from "node:test";
import { canonical, classifyAddress } from "../../renderer/sessions/addresses.js";
import { parseUrlPattern } from "../../renderer/config/url-pattern.js";
import { isPrivateAddress, UrlPolicy, type UrlPolicyOptions } from "../../renderer/sessions/url-policy.js";

const self = "http://127.0.0.1:8000";
/** The box as a test sees it: a LAN address, a public one, and names that resolve to them. */
const BOX = new Set(["127.0.0.1", "::1", "192.168.1.20", "fe80::1", "203.0.113.7"]);
const DNS: Record<string, string[]> = {
  "news.example.org": ["93.184.215.14"],
  "cdn.example.com": ["93.184.215.15"],
  "rebound.example.com": ["10.0.0.9"],
  "mixed.example.com": ["93.184.215.16", "192.168.1.1"],
  box: ["192.168.1.20"],
  localhost: ["127.0.0.1", "::1"],
  "printer.local": ["192.168.1.50"],
  "nas.lan": ["192.168.1.60"],
};

function makePolicy(options: Partial<UrlPolicyOptions> = {}): UrlPolicy {
  return new UrlPolicy({
    kioskUrls: ["https://news.example.org/front", `${self}/pages/welcome.html`, "http://127.0.0.1:9100/kiosk.html"],
    allow: ["http://10.0.0.5:9000/*", "https://*.example.com/*", "http://nas.lan:8080/*"],
    selfOrigin: self,
    boxAddresses: () => BOX,
    resolve: async (host) => {
      const found = DNS[host];
      if (!found) throw new Error(`ENOTFOUND ${host}`);
      return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    ...options,
  });
}

const policy = makePolicy();

test("a kiosk's whole origin is allowed", async () => {
  assert.equal(await policy.check("https://news.example.org/other/page?x=1"), null);
  assert.equal(await policy.check("http://127.0.0.1:9100/other.html"), null, "a kiosk on a loopback address names it");
});

test("allow patterns match scheme, host, port and path separately", async () => {
  assert.equal(await policy.check("http://10.0.0.5:9000/dash"), null);
  assert.match((await policy.check("http://10.0.0.5:9001/dash")) ?? "", /not a configured kiosk/);
  assert.equal(await policy.check("https://cdn.example.com/a/b?c=d"), null);
  const wild = parseUrlPattern("https://*.example.com/*");
  const yes = ["https://a.example.com/", "https://a.b.example.com/x", "https://A.EXAMPLE.COM/x?y", "https://a.example.com:443/"];
  const no = [
    "https://evil.test/.example.com/",
    "https://evil.test?x=.example.com",
    "https://evil.test/?.example.com/",
    "https://evil.test#.example.com",
    "https://evil.test/a.example.com/",
    "https://example.com.evil.test/",
    "https://evilexample.com/",
    "https://example.com/",
    "http://a.example.com/",
    "https://a.example.com:8443/",
    "https://user:pw@a.example.com/",
    "https://a.example.com.evil.test/",
    "https://evil.test%2f.example.com/",
  ];
  for (const url of yes) assert.ok(wild.matches(new URL(url)), `${url} matches`);
  for (const url of no) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    assert.ok(!wild.matches(parsed), `${url} must not match`);
  }
});

test("pattern parts: label wildcards, ports, paths and queries", () => {
  const m = (pattern: string, url: string) => parseUrlPattern(pattern).matches(new URL(url));
  assert.ok(m("http://a/*.html", "http://a/x/y.html"));
  assert.ok(!m("http://a/*.html", "http://a/x.htm"));
  assert.ok(m("https://news*.example.org/", "https://news2.example.org/"));
  assert.ok(!m("https://news*.example.org/", "https://news.evil.example.org/"), "a * inside a label stays in the label");
  assert.ok(m("https://www.*.example/", "https://www.shop.example/"));
  assert.ok(!m("https://www.*.example/", "https://www.a.b.example/"), "a middle * is one label");
  assert.ok(m("http://10.0.0.5:*/*", "http://10.0.0.5:1234/x"));
  assert.ok(m("http://10.0.0.5/*", "http://10.0.0.5:80/x"), "no port is the default port");
  assert.ok(!m("http://10.0.0.5/*", "http://10.0.0.5:8080/x"));
  assert.ok(m("*://kiosk.example/*", "https://kiosk.example/x"));
  assert.ok(m("https://kiosk.example", "https://kiosk.example/any/path?q"), "no path is any path");
  assert.ok(m("https://kiosk.example/a", "https://kiosk.example/a?q=1"), "a path without ? ignores the query");
  assert.ok(!m("https://kiosk.example/a?q=*", "https://kiosk.example/a?r=1"));
  assert.ok(m("https://kiosk.example/a?q=*", "https://kiosk.example/a?q=1"));
  assert.ok(m("http://KIOSK.Example/", "http://kiosk.example/"), "hosts compare as the URL parser spells them");
  assert.ok(m("http://2130706433:9000/", "http://127.0.0.1:9000/"));
  for (const bad of [
    "ftp://x/*",
    "https://user@x/",
    "https://x:99999/",
    "https://x:port/",
    "https://a..*/",
    "https://[::1*]/",
    "https://x?y",
    "https://",
  ]) {
    assert.throws(() => parseUrlPattern(bad), Error, bad);
  }
});

test("the appliance serves only its built-in pages, under every spelling of its address", async () => {
  assert.equal(await policy.check(`${self}/pages/welcome.html`), null);
  for (const host of [
    "127.0.0.1",
    "localhost",
    "127.0.0.2",
    "[::1]",
    "0.0.0.0",
    "192.168.1.20",
    "[::ffff:127.0.0.1]",
    "2130706433",
    "0x7f000001",
  ]) {
    assert.match((await policy.check(`http://${host}:8000/api/sessions`)) ?? "", /own API is not reachable/, host);
  }
  const destination = async (host: string, request?: { scheme: string; method: string; path: string }) =>
    policy.destination(host, 8000, request);
  for (const host of [
    "127.0.0.1",
    "localhost",
    "localhost.",
    "127.0.0.2",
    "[::1]",
    "::1",
    "0.0.0.0",
    "[::ffff:127.0.0.1]",
    "2130706433",
    "0x7f000001",
    "192.168.1.20",
    "[fe80::1]",
    "203.0.113.7",
    "box",
    "box.",
  ]) {
    assert.match(
      JSON.stringify(await destination(host, { scheme: "http:", method: "POST", path: "/api/session/create" })),
      /own API is not reachable/,
      host,
    );
    assert.match(JSON.stringify(await destination(host)), /own API is not reachable/, `${host} (a CONNECT tunnel, e.g. a WebSocket)`);
  }
  assert.deepEqual(await destination("localhost.", { scheme: "http:", method: "GET", path: "/pages/welcome.html" }), {
    address: "127.0.0.1",
    family: 4,
  });
  assert.match(
    JSON.stringify(await destination("127.0.0.1", { scheme: "http:", method: "GET", path: "/pages/../api/sessions" })),
    /own API/,
  );
});

test("a private or loopback address opens only when a kiosk or pattern names that host and port", async () => {
  const d = (host: string, port: number) => policy.destination(host, port);
  assert.deepEqual(await d("127.0.0.1", 9100), { address: "127.0.0.1", family: 4 }, "the kiosk's own address");
  assert.deepEqual(await d("10.0.0.5", 9000), { address: "10.0.0.5", family: 4 });
  assert.deepEqual(await d("nas.lan", 8080), { address: "192.168.1.60", family: 4 });
  for (const [host, port] of [
    ["127.0.0.1", 9101],
    ["127.0.0.2", 9100],
    ["localhost", 9100],
    ["localhost.", 9100],
    ["[::1]", 9100],
    ["0.0.0.0", 9100],
    ["[::ffff:127.0.0.1]", 9100],
    ["[::ffff:7f00:1]", 9100],
    ["2130706433", 9101],
    ["0x7f000001", 9101],
    ["10.0.0.5", 9001],
    ["192.168.77.9", 80],
    ["169.254.169.254", 80],
    ["[fd00::5]", 443],
    ["rebound.example.com", 443],
    ["mixed.example.com", 443],
    ["box", 9100],
    ["printer.local", 80],
  ] as const) {
    assert.match(JSON.stringify(await d(host, port)), /private or local address/, `${host}:${port}`);
  }
  assert.deepEqual(
    await d("news.example.org", 443),
    { address: "93.184.215.14", family: 4 },
    "public sites: any page's images, scripts, …",
  );
  assert.match(JSON.stringify(await d("nowhere.example", 443)), /does not resolve/);
});

test("a wildcard pattern never opens a private address (DNS rebinding of an allowed name)", async () => {
  const rebinding = makePolicy({ resolve: async () => [{ address: "192.168.1.1", family: 4 }] });
  assert.match((await rebinding.check("https://cdn.example.com/")) ?? "", /private or local address/);
});

test("other schemes, credentials and garbage are refused", async () => {
  assert.match((await policy.check("file:///etc/passwd")) ?? "", /file: scheme/);
  assert.match((await policy.check("javascript:alert(1)")) ?? "", /javascript: scheme/);
  assert.match((await policy.check("https://user:pw@news.example.org/")) ?? "", /credentials/);
  assert.match((await policy.check("not a url")) ?? "", /not a valid URL/);
  assert.match((await policy.check("https://evil.example.net/")) ?? "", /not a configured kiosk/);
});

test("custom URLs: public addresses open, private, loopback, link-local and local names stay closed", async () => {
  const open = makePolicy({
    allowCustomUrls: true,
    resolve: async (host) =>
      host === "public.example"
        ? [{ address: "93.184.215.20", family: 4 }]
        : host === "printer.local"
          ? [{ address: "192.168.1.50", family: 4 }]
          : [{ address: "127.0.0.1", family: 4 }],
  });
  assert.equal(await open.check("http://93.184.215.14/"), null, "a public address");
  assert.equal(await open.check("https://public.example/"), null, "a public name");
  assert.equal(await open.check("http://10.0.0.5:9000/dash"), null, "a private address an allow pattern names");
  for (const url of [
    "http://10.1.2.3/",
    "http://192.168.0.1/admin",
    "http://127.0.0.2/",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]:8080/",
    "http://[fd00::5]/",
    "http://100.64.1.1/",
    "http://[::ffff:192.168.0.1]/",
    "http://2130706433/",
    "http://0x7f000001:81/",
    "http://localhost.:3000/",
  ]) {
    assert.match((await open.check(url)) ?? "", /private or local address/, url);
  }
  assert.match((await open.check("http://printer.local/")) ?? "", /private or local address|local name/);
  assert.match((await open.check(`${self}/api/sessions`)) ?? "", /own API/);
});

test("addresses are classified after resolution, IPv4-mapped IPv6 included", () => {
  assert.equal(isPrivateAddress("8.8.8.8"), false);
  assert.equal(isPrivateAddress("172.20.1.1"), true);
  assert.equal(canonical("::ffff:7f00:1"), "127.0.0.1");
  assert.equal(canonical("[::FFFF:127.0.0.1]"), "127.0.0.1");
  assert.equal(classifyAddress("::ffff:c0a8:101", new Set()), "private");
  assert.equal(classifyAddress("::ffff:808:808", new Set()), "public");
  assert.equal(classifyAddress("0.0.0.0", new Set()), "appliance");
  assert.equal(classifyAddress("::", new Set()), "appliance");
  assert.equal(classifyAddress("127.255.0.1", new Set()), "appliance");
  assert.equal(classifyAddress("203.0.113.7", BOX), "appliance", "the box's own public address");
  assert.equal(classifyAddress("::127.0.0.1", new Set()), "private", "IPv4-compatible IPv6");
  assert.equal(classifyAddress("64:ff9b::7f00:1", new Set()), "private", "NAT64");
});
