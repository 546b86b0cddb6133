import assert from "node:assert/strict";
import { test } from "node:test";
import { globToRegExp, UrlPolicy } from "../../renderer/sessions/url-policy.js";

const self = "http://127.0.0.1:8000";
const policy = new UrlPolicy(["https://news.example.org/front", `${self}/pages/welcome.html`], ["http://10.0.0.5:9000/*"], self);

test("a kiosk's whole origin is allowed", () => {
  assert.equal(policy.check("https://news.example.org/other/page?x=1"), null);
});

test("allow patterns match the whole URL with * wildcards", () => {
  assert.equal(policy.check("http://10.0.0.5:9000/dash"), null);
  assert.match(policy.check("http://10.0.0.5:9001/dash") ?? "", /not a configured kiosk/);
  assert.ok(globToRegExp("http://a/*.html").test("http://a/x/y.html"));
  assert.ok(!globToRegExp("http://a/*.html").test("http://a/x.htm"));
});

test("the appliance's own origin serves only its built-in pages", () => {
  assert.equal(policy.check(`${self}/pages/welcome.html`), null);
  assert.match(policy.check(`${self}/api/sessions`) ?? "", /own API is not reachable/);
});

test("other schemes, credentials and garbage are refused", () => {
  assert.match(policy.check("file:///etc/passwd") ?? "", /file: scheme/);
  assert.match(policy.check("javascript:alert(1)") ?? "", /javascript: scheme/);
  assert.match(policy.check("https://user:pw@news.example.org/") ?? "", /credentials/);
  assert.match(policy.check("not a url") ?? "", /not a valid URL/);
  assert.match(policy.check("https://evil.example.net/") ?? "", /not a configured kiosk/);
});
