import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { parseConfig } from "../../renderer/config/load.js";
import { planTurn } from "../../renderer/turn/turn-plan.js";
import { hostFromHeader, IceServers, mintTurnCredential } from "../../renderer/webrtc/ice-servers.js";

const MINIMAL = "kiosks:\n  - { id: home, title: Home, url: http://10.0.0.5/ }\n";
const turnOf = (yaml = "") => parseConfig(`${MINIMAL}${yaml}`).turn;
const SECRET = "0123456789abcdef0123456789abcdef";

describe("TURN credentials", () => {
  test("coturn's REST scheme: username expiry:name, password base64 HMAC-SHA1", () => {
    const { username, credential } = mintTurnCredential(SECRET, 600, "sess1", 1_700_000_000_000);
    assert.equal(username, "1700000600:sess1");
    assert.equal(credential, createHmac("sha1", SECRET).update("1700000600:sess1").digest("base64"));
    assert.equal(credential.length, 28, "a base64 SHA-1 digest");
  });

  test("the offer's servers use the host the tablet reached, fresh credentials each time", () => {
    const servers = new IceServers([{ urls: "stun:10.0.0.1:3478" }], turnOf(), SECRET, "127.0.0.1");
    const list = servers.forPeer("192.168.1.20", "s1");
    assert.deepEqual(list[0], { urls: "stun:10.0.0.1:3478" });
    assert.deepEqual(list[1].urls, ["turn:192.168.1.20:3478?transport=udp", "turn:192.168.1.20:3478?transport=tcp"]);
    assert.match(list[1].username!, /^\d+:s1$/);
    assert.deepEqual(servers.turnUrls(null), ["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"]);
    const configured = new IceServers([], turnOf("turn: { urls: ['turn:{host}:5349?transport=tcp'] }\n"), SECRET, "x");
    assert.deepEqual(configured.turnUrls("box.lan"), ["turn:box.lan:5349?transport=tcp"]);
    const off = new IceServers([], turnOf("turn: { enabled: false }\n"), null, "x");
    assert.deepEqual(off.forPeer("h", "s"), []);
  });

  test("Host headers are reduced to a safe host part", () => {
    assert.equal(hostFromHeader("192.168.1.20:8000"), "192.168.1.20");
    assert.equal(hostFromHeader("[fd00::2]:8000"), "[fd00::2]");
    assert.equal(hostFromHeader("kiosk.lan"), "kiosk.lan");
    assert.equal(hostFromHeader("evil?transport=tcp"), null);
    assert.equal(hostFromHeader(undefined), null);
  });
});

describe("TURN plan at start-up", () => {
  test("a local turnserver without a secret gets a per-run one", () => {
    const plan = planTurn(turnOf(), {}, true);
    assert.equal(plan.spawn, true);
    assert.match(plan.secret!, /^[0-9a-f]{64}$/);
  });

  test("TURN_SECRET beats turn.secret", () => {
    const plan = planTurn(turnOf(`turn: { secret: ${SECRET} }\n`), { TURN_SECRET: "fedcba9876543210fedcba9876543210" }, false);
    assert.equal(plan.secret, "fedcba9876543210fedcba9876543210");
    assert.equal(plan.spawn, false);
  });

  test("an external TURN server without a secret is a clear error", () => {
    assert.throws(() => planTurn(turnOf(), {}, false), /no TURN secret is set.*TURN_SECRET/);
    assert.throws(() => planTurn(turnOf("turn: { spawn: never }\n"), {}, true), /no TURN secret is set/);
  });

  test("placeholder and short secrets are refused, naming where they came from", () => {
    assert.throws(() => planTurn(turnOf("turn: { secret: change-me }\n"), {}, true), /^Error: turn\.secret: "change-me" is a placeholder/);
    assert.throws(() => planTurn(turnOf(), { TURN_SECRET: "short" }, true), /TURN_SECRET: must be at least 16 characters/);
  });

  test("spawn: always without coturn installed fails; disabled needs nothing", () => {
    assert.throws(() => planTurn(turnOf("turn: { spawn: always }\n"), {}, false), /apt-get install coturn/);
    assert.deepEqual(planTurn(turnOf("turn: { enabled: false }\n"), {}, false).enabled, false);
  });

  test("bad turn config keys are path-precise", () => {
    assert.throws(() => turnOf("turn: { urls: ['stun:x'] }\n"), /turn\.urls\[0\]: expected turn:HOST/);
    assert.throws(() => turnOf("turn: { spawn: maybe }\n"), /turn\.spawn: expected one of "auto"/);
    assert.throws(() => turnOf("turn: { relayPorts: { min: 50000, max: 40000 } }\n"), /turn\.relayPorts\.max: must be at least/);
    assert.throws(() => turnOf("turn: { ttl: 5 }\n"), /turn\.ttl: unknown key/);
  });
});
