import assert from "node:assert/strict";
import { test } from "node:test";
import { globToRegExp, isPrivateAddress, UrlPolicy } from "../../renderer/sessions/url-policy.js";

const self = "http://127.0.0.1:8000";
const policy = new UrlPolicy(["https://news.example.org/front", `${self}/pages/welcome.html`], ["http://10.0.0.5:9000/*"], self, ["http://192.168.1.20:8000"]);

test("a kiosk's whole origin is allowed", async () => {
  assert.equal(await policy.check("https://news.example.org/other/page?x=1"), null);
});

test("allow patterns match the whole URL with * wildcards", async () => {
  assert.equal(await policy.check("http://10.0.0.5:9000/dash"), null);
  assert.match((await policy.check("http://10.0.0.5:9001/dash")) ?? "", /not a configured kiosk/);
  assert.ok(globToRegExp("http://a/*.html").test("http://a/x/y.html"));
  assert.ok(!globToRegExp("http://a/*.html").test("http://a/x.htm"));
});

test("the appliance's own origins serve only its built-in pages", async () => {
  assert.equal(await policy.check(`${self}/pages/welcome.html`), null);
  assert.match((await policy.check(`${self}/api/sessions`)) ?? "", /own API is not reachable/);
  assert.match((await policy.check("http://192.168.1.20:8000/api/sessions")) ?? "", /own API is not reachable/);
});

test("other schemes, credentials and garbage are refused", async () => {
  assert.match((await policy.check("file:///etc/passwd")) ?? "", /file: scheme/);
  assert.match((await policy.check("javascript:alert(1)")) ?? "", /javascript: scheme/);
  assert.match((await policy.check("https://user:pw@news.example.org/")) ?? "", /credentials/);
  assert.match((await policy.check("not a url")) ?? "", /not a valid URL/);
  assert.match((await policy.check("https://evil.example.net/")) ?? "", /not a configured kiosk/);
});

test("custom URLs: public addresses open, private, loopback, link-local and local names stay closed", async () => {
  const open = new UrlPolicy(["https://news.example.org/"], ["http://10.0.0.5:9000/*"], self, [], true);
  assert.equal(await open.check("http://93.184.215.14/"), null, "a public address");
  assert.equal(await open.check("http://10.0.0.5:9000/dash"), null, "a private address an allow pattern names");
  for (const url of ["http://10.1.2.3/", "http://192.168.0.1/admin", "http://127.0.0.2/", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://[fd00::5]/", "http://100.64.1.1/", "http://[::ffff:192.168.0.1]/"]) {
    assert.match((await open.check(url)) ?? "", /private or local address/, url);
  }
  assert.match((await open.check("http://printer.local/")) ?? "", /local name/);
  assert.match((await open.check("http://localhost:3000/")) ?? "", /local name/);
  assert.match((await open.check(`${self}/api/sessions`)) ?? "", /own API/);
  assert.equal(isPrivateAddress("8.8.8.8"), false);
  assert.equal(isPrivateAddress("172.20.1.1"), true);
});
