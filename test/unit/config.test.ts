import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, loadConfig, parseConfig } from "../../renderer/config/load.js";
import { REPO_ROOT } from "../support/paths.js";

const MINIMAL = "kiosks:\n  - { id: home, title: Home, url: http://10.0.0.5/ }\n";

/** The message of the ConfigError that parsing `yaml` throws. */
function problem(yaml: string): string {
  try {
    parseConfig(yaml, "test.yaml");
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems.join("; ");
  }
  assert.fail("the config was accepted");
}

describe("config", () => {
  test("the shipped config/kiosk.yaml is valid and starts on the built-in welcome page", () => {
    const config = parseConfig(readFileSync(join(REPO_ROOT, "config", "kiosk.yaml"), "utf8"));
    assert.equal(config.kiosks[0].id, "welcome");
    assert.equal(config.kiosks[0].url, "/pages/welcome.html");
    assert.deepEqual(config.listen, { host: "0.0.0.0", port: 8000, hosts: [], maxSocketsPerClient: 16 });
    assert.deepEqual(config.viewport, { width: 1280, height: 720, mobile: false });
    assert.deepEqual(config.ui, { navigationBar: true });
    assert.equal(config.turn.enabled, true);
    assert.equal(config.turn.spawn, "auto");
    assert.equal(config.turn.secret, "", "no secret is shipped");
    assert.deepEqual(config.video, { maxFps: 30, maxBitrateKbps: 2500, jpegQuality: 80, capture: "screencast" });
    assert.equal(config.sessions.max, 8);
    assert.equal(config.sessions.idleTimeoutSeconds, 300);
  });

  test("a minimal file gets every default", () => {
    const config = parseConfig(MINIMAL);
    assert.equal(config.name, "Jiomosa");
    assert.deepEqual(config.allow, []);
    assert.deepEqual(config.iceServers, []);
    assert.equal(config.chromium.executablePath, "/usr/bin/chromium");
    assert.equal(config.kiosks[0].url, "http://10.0.0.5/");
    assert.deepEqual(config.audio, { default: false }, "no sound unless asked for");
    assert.equal(config.kiosks[0].audio, undefined);
  });

  test("a full file keeps every value", () => {
    const config = parseConfig(`
name: Lobby
listen: { host: 127.0.0.1, port: 9000 }
kiosks:
  - { id: a-1, title: A, url: "https://example.org/x", icon: /icons/a.png, audio: true }
audio: { default: true }
allow: ["http://127.0.0.1:9000/*"]
viewport: { width: 800, height: 1280, mobile: true }
ui: { navigationBar: false }
video: { maxFps: 60, maxBitrateKbps: 4000, jpegQuality: 70 }
sessions: { max: 2, idleTimeoutSeconds: 30, maxViewersPerSession: 1, resetAfterIdleSeconds: 120, clearStorageOnReset: true }
iceServers: [{ urls: [turn:10.0.0.1:3478], username: u, credential: c }]
chromium: { executablePath: /opt/chromium, args: [--lang=de] }
`);
    assert.equal(config.name, "Lobby");
    assert.equal(config.listen.port, 9000);
    assert.equal(config.kiosks[0].icon, "/icons/a.png");
    assert.equal(config.kiosks[0].audio, true);
    assert.deepEqual(config.audio, { default: true });
    assert.deepEqual(config.allow, ["http://127.0.0.1:9000/*"]);
    assert.deepEqual(config.viewport, { width: 800, height: 1280, mobile: true });
    assert.deepEqual(config.ui, { navigationBar: false });
    assert.equal(config.video.maxFps, 60);
    assert.equal(config.sessions.maxViewersPerSession, 1);
    assert.equal(config.sessions.resetAfterIdleSeconds, 120);
    assert.equal(config.sessions.clearStorageOnReset, true);
    assert.deepEqual(config.iceServers, [{ urls: ["turn:10.0.0.1:3478"], username: "u", credential: "c" }]);
    assert.deepEqual(config.chromium.args, ["--lang=de"]);
  });

  const bad: [string, string, RegExp][] = [
    ["YAML syntax", "kiosks: [\n", /YAML syntax/],
    ["no kiosks key", "name: x\n", /^kiosks: is required/],
    ["empty kiosk list", "kiosks: []\n", /^kiosks: must list at least one kiosk/],
    [
      "a kiosk URL that is not http(s)",
      `kiosks:\n  - { id: a, title: A, url: http://x/ }\n  - { id: b, title: B, url: http://y/ }\n  - { id: c, title: C, url: "ftp://z/" }\n`,
      /^kiosks\[2\]\.url: expected an http\(s\) URL/,
    ],
    ["a kiosk URL that is not a URL", "kiosks:\n  - { id: a, title: A, url: not a url }\n", /^kiosks\[0\]\.url: expected an http\(s\) URL/],
    ["an id with capitals", "kiosks:\n  - { id: Home, title: A, url: http://x/ }\n", /^kiosks\[0\]\.id: expected lowercase/],
    [
      "a duplicate id",
      "kiosks:\n  - { id: a, title: A, url: http://x/ }\n  - { id: a, title: B, url: http://y/ }\n",
      /^kiosks\[1\]\.id: duplicate id "a" \(also kiosks\[0\]\.id\)/,
    ],
    ["a missing title", "kiosks:\n  - { id: a, url: http://x/ }\n", /^kiosks\[0\]\.title: is required/],
    ["a port out of range", `listen: { port: 70000 }\n${MINIMAL}`, /^listen\.port: must be at most 65535/],
    ["a port that is a string", `listen: { port: eighty }\n${MINIMAL}`, /^listen\.port: expected a number/],
    ["a misspelt top-level key", `kiosk: []\n${MINIMAL}`, /^kiosk: unknown key/],
    ["a misspelt nested key", `video: { maxFPS: 30 }\n${MINIMAL}`, /^video\.maxFPS: unknown key/],
    ["fps out of range", `video: { maxFps: 0 }\n${MINIMAL}`, /^video\.maxFps: must be at least 1/],
    ["a tiny viewport", `viewport: { width: 10, height: 720 }\n${MINIMAL}`, /^viewport\.width: must be at least 200/],
    ["an allow pattern without scheme", `allow: ["example.org/*"]\n${MINIMAL}`, /^allow\[0\]: expected an http\(s\) URL pattern/],
    ["an ICE server with a bad URL", `iceServers: [{ urls: "http://x" }]\n${MINIMAL}`, /^iceServers\[0\]\.urls: expected a stun:/],
    ["sessions.max zero", `sessions: { max: 0 }\n${MINIMAL}`, /^sessions\.max: must be at least 1/],
    ["a top level that is a list", "- a\n- b\n", /expected an object/],
    ["a 2-digit PIN", `auth: { pin: "12" }\n${MINIMAL}`, /^auth\.pin: expected at least 6 characters/],
    ["a 5-digit PIN", `auth: { pin: 12345 }\n${MINIMAL}`, /^auth\.pin: expected at least 6 characters/],
    ["a listen host with a port", `listen: { hosts: ["kiosk.lan:8000"] }\n${MINIMAL}`, /^listen\.hosts\[0\]: expected a host name/],
    ["a listen host with a scheme", `listen: { hosts: ["http://kiosk.lan"] }\n${MINIMAL}`, /^listen\.hosts\[0\]: expected a host name/],
    ["a zero quota", `sessions: { maxPerClient: 0 }\n${MINIMAL}`, /^sessions\.maxPerClient: /],
    [
      "an allowed origin with a path",
      `allowedOrigins: ["http://10.0.0.5:9000/app"]\n${MINIMAL}`,
      /^allowedOrigins\[0\]: expected an origin/,
    ],
    [
      "a kiosk audio that is not a boolean",
      "kiosks:\n  - { id: a, title: A, url: http://x/, audio: loud }\n",
      /^kiosks\[0\]\.audio: expected true or false/,
    ],
    ["a misspelt audio key", `audio: { enabled: true }\n${MINIMAL}`, /^audio\.enabled: unknown key/],
    ["a chromium switch without dashes", `chromium: { args: [lang=de] }\n${MINIMAL}`, /^chromium\.args\[0\]: expected a switch/],
  ];
  for (const [name, yaml, expected] of bad) {
    test(`rejects ${name} with a path-precise message`, () => {
      assert.match(problem(yaml), expected);
    });
  }

  test("loadConfig reads JIOMOSA_CONFIG and PORT overrides listen.port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jiomosa-config-"));
    const file = join(dir, "k.yaml");
    writeFileSync(file, `listen: { port: 9000 }\n${MINIMAL}`);
    const { config } = await loadConfig({ JIOMOSA_CONFIG: file, PORT: "8123" });
    assert.equal(config.listen.port, 8123);
    await assert.rejects(loadConfig({ JIOMOSA_CONFIG: file, PORT: "http" }), /PORT: expected a port number/);
    await assert.rejects(loadConfig({ JIOMOSA_CONFIG: join(dir, "missing.yaml") }), /missing\.yaml: cannot read the file \(ENOENT\)/);
  });

  test("JIOMOSA_PIN is held to the PIN rule; the token file sits beside the config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jiomosa-config-"));
    const file = join(dir, "k.yaml");
    writeFileSync(file, MINIMAL);
    await assert.rejects(loadConfig({ JIOMOSA_CONFIG: file, JIOMOSA_PIN: "1234" }), /JIOMOSA_PIN: expected at least 6 characters/);
    const { config } = await loadConfig({ JIOMOSA_CONFIG: file, JIOMOSA_PIN: "123456" });
    assert.equal(config.auth.pin, "123456");
    assert.equal(config.auth.tokenFile, join(dir, "tablet-tokens.json"));
    assert.equal(config.auth.tokenTtlSeconds, 30 * 86_400);
    assert.equal(config.sessions.maxPerClient, 2);
    assert.equal(config.turn.ttlSeconds, 3600);
  });
});
