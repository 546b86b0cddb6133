/**
 * Tablets that cannot reach the box directly connect through TURN: a real coturn on 127.0.0.1,
 * clients forced to iceTransportPolicy "relay" over UDP and then over TCP, credentials minted by
 * the renderer; expired or wrongly signed credentials are refused by coturn.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { startRenderer } from "../support/renderer-process.js";
import { TEST_TURN_SECRET, turnSection } from "../support/turn.js";
import { runWebRtcClient } from "../support/webrtc-client.js";

let page: Page;

const app = useAppliance({ turn: true, config: (origin, { turn }) => testConfig(origin, { extra: turnSection(turn) }), client: true });

async function relayCall(transport: "udp" | "tcp") {
  page = await app.client.newPage();
  await page.goto(`${app.renderer.url}/health`);
  const result = await page.evaluate(runWebRtcClient, {
    kiosk: "animated",
    width: 640,
    height: 360,
    fpsSeconds: 2,
    taps: 3,
    marker: { x: 80, y: 80 },
    tapAt: { x: 320, y: 180 },
    iceTransportPolicy: "relay" as const,
    turnTransport: transport,
  });
  await page.close();
  await fetch(`${app.renderer.url}/api/session/${result.sessionId}`, { method: "DELETE" });
  return result;
}

for (const transport of ["udp", "tcp"] as const) {
  test(`relay only over TURN/${transport.toUpperCase()}: frames decode and taps reach the page`, async () => {
    const result = await relayCall(transport);
    assert.equal(result.localCandidate.type, "relay", "the call ran through the relay");
    assert.equal(result.localCandidate.relayProtocol, transport);
    assert.equal(result.frameWidth, 640);
    assert.equal(result.frameHeight, 360);
    assert.ok(result.fps > 1, `frames kept coming (${result.fps.toFixed(1)} fps)`);
    assert.equal(result.missedTaps, 0, "every tap showed in the decoded picture");
    assert.equal(result.tapLatenciesMs.length, 3);
  });
}

/** Gathers relay candidates in the client with the given credential; reports what coturn said. */
async function gatherRelay(username: string, credential: string) {
  const p = await app.client.newPage();
  await p.goto(`${app.renderer.url}/health`);
  const outcome = await p.evaluate(
    async ({ urls, username, credential }) => {
      const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }], iceTransportPolicy: "relay" });
      const errors: number[] = [];
      let relays = 0;
      pc.onicecandidateerror = (e) => errors.push(e.errorCode);
      pc.createDataChannel("probe");
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        pc.onicecandidate = (e) => {
          if (e.candidate && / typ relay /.test(e.candidate.candidate)) relays++;
          if (!e.candidate) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      pc.close();
      return { relays, errors };
    },
    { urls: [app.turn.urls[0]], username, credential },
  );
  await p.close();
  return outcome;
}

const sign = (secret: string, username: string) => createHmac("sha1", secret).update(username).digest("base64");

test("credentials minted by the renderer are accepted by coturn", async () => {
  const reply = (await (await fetch(`${app.renderer.url}/api/ice-servers`)).json()) as {
    iceServers: { username: string; credential: string }[];
  };
  const { username, credential } = reply.iceServers[0];
  const outcome = await gatherRelay(username, credential);
  assert.ok(outcome.relays > 0, `a relay candidate was allocated (errors: ${outcome.errors.join(",")})`);
});

test("credentials past their expiry are refused (401)", async () => {
  const username = `${Math.floor(Date.now() / 1000) - 60}:expired`;
  const outcome = await gatherRelay(username, sign(TEST_TURN_SECRET, username));
  assert.equal(outcome.relays, 0);
  assert.ok(outcome.errors.includes(401), `coturn answered 401 (errors: ${outcome.errors.join(",")})`);
});

test("credentials signed with a wrong secret are refused (401)", async () => {
  const username = `${Math.floor(Date.now() / 1000) + 600}:wrong`;
  const outcome = await gatherRelay(username, sign("some-other-secret-0123456789", username));
  assert.equal(outcome.relays, 0);
  assert.ok(outcome.errors.includes(401), `coturn answered 401 (errors: ${outcome.errors.join(",")})`);
});

/** Opens /diagnostics on `baseUrl` and returns each check's result and text once all finished. */
async function diagnostics(baseUrl: string) {
  const p = await app.client.newPage();
  await p.goto(`${baseUrl}/diagnostics`);
  await p.locator("jiomosa-diagnostics[data-done]").waitFor({ timeout: 60_000 });
  const rows = await p.locator("li[data-check]").evaluateAll((items) =>
    Object.fromEntries(
      items.map((li) => [
        li.getAttribute("data-check"),
        {
          result: li.getAttribute("data-result"),
          text: li.querySelector(".text")?.textContent?.trim() ?? "",
          hint: li.querySelector(".hint")?.textContent?.trim() ?? "",
        },
      ]),
    ),
  );
  await p.close();
  return rows as Record<string, { result: string; text: string; hint: string }>;
}

test("the diagnostics page reports the relay working over UDP and TCP", async () => {
  const rows = await diagnostics(app.renderer.url);
  for (const check of ["http", "websocket", "rtt", "ice", "turn-udp", "turn-tcp", "vp8"]) {
    assert.equal(rows[check]?.result, "pass", `${check}: ${rows[check]?.text} ${rows[check]?.hint}`);
  }
  assert.match(rows["turn-udp"].text, /Relay over UDP works/);
  assert.match(rows.ice.text, /[1-9]\d* relay/);
});

test("with a secret that differs from coturn's, diagnostics says so", async () => {
  const wrong = await startRenderer(testConfig(app.fixtures.origin, { extra: turnSection(app.turn, "a-different-secret-0123456789") }));
  try {
    const rows = await diagnostics(wrong.url);
    assert.equal(rows["turn-udp"]?.result, "fail");
    assert.match(rows["turn-udp"].text, /secrets differ/);
  } finally {
    await wrong.stop();
  }
});

test("with TURN down, diagnostics fails the relay checks with a hint", async () => {
  await app.turn.server.close();
  const rows = await diagnostics(app.renderer.url);
  assert.equal(rows["turn-udp"]?.result, "fail");
  assert.match(rows["turn-udp"].text, /TURN server not reachable/);
  assert.match(rows["turn-udp"].hint, new RegExp(`${app.turn.port}/udp`));
  assert.equal(rows["turn-tcp"]?.result, "fail");
  assert.equal(rows.websocket?.result, "pass", "the rest of the appliance still answers");
});
