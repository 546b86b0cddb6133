/**
 * Bad input on the REST API and the signaling socket gets a clear error, never a crash, and the
 * session lifecycle behaves as a tablet needs: leaving the socket keeps the session for a rejoin,
 * the idle timeout closes it, the session limit answers 503.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WebSocket } from "ws";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { pollUntil, waitFor } from "../support/wait.js";

// Long enough that the sessions of one test outlive its creates on a loaded machine, short
// enough for the idle test below.
const app = useAppliance({ config: (origin) => testConfig(origin, { sessionsMax: 3, idleTimeoutSeconds: 8 }) });

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await fetch(app.renderer.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: asserted by the caller through `text`
  }
  return { status: res.status, json, text };
}

/** Opens a signaling socket and returns helpers to send and await the next message. */
async function signaling() {
  const ws = new WebSocket(`ws://127.0.0.1:${app.renderer.port}/ws/signaling`);
  const inbox: Record<string, any>[] = [];
  const waiters: ((m: Record<string, any>) => void)[] = [];
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    ws,
    send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next: (): Promise<Record<string, any>> =>
      inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => waiters.push(resolve)),
    /** Next message that is not a trickled ICE candidate. */
    async nextNonIce(): Promise<Record<string, any>> {
      for (;;) {
        const m = await this.next();
        if (m.type !== "ice-candidate") return m;
      }
    },
    close: () => ws.close(),
  };
}

describe("REST", () => {
  test("health, info and kiosks", async () => {
    const health = await api("GET", "/health");
    assert.equal(health.status, 200);
    assert.equal(health.json.status, "healthy");
    assert.ok(health.json.version && health.json.timestamp);
    const info = await api("GET", "/api/info");
    assert.equal(info.json.webrtc.video.codec, "VP8");
    assert.equal(info.json.webrtc.video.resolution, "1280x720");
    assert.equal(info.json.endpoints.signaling, "/ws/signaling");
    const kiosks = await api("GET", "/api/kiosks");
    assert.deepEqual(
      kiosks.json.kiosks.map((k: { id: string }) => k.id),
      ["test-page", "animated", "tablet"],
    );
  });

  test("malformed bodies get a 4xx naming the problem", async () => {
    const notJson = await api("POST", "/api/session/create", "{oops");
    assert.equal(notJson.status, 400);
    assert.match(notJson.json.error.message, /not valid JSON/);
    const badWidth = await api("POST", "/api/session/create", { width: "wide" });
    assert.equal(badWidth.status, 400);
    assert.equal(badWidth.json.error.code, "bad_request");
    assert.match(badWidth.json.error.message, /^width: expected a number/);
    assert.equal(badWidth.json.detail, badWidth.json.error.message);
    const huge = await api("POST", "/api/session/create", { url: "x".repeat(100_000) });
    assert.equal(huge.status, 413);
    const form = await api("POST", "/api/session/create", "a=b", { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(form.status, 415);
  });

  test("unknown kiosks, unknown sessions and unknown routes are 404s", async () => {
    const kiosk = await api("POST", "/api/session/create", { kiosk: "nope" });
    assert.equal(kiosk.status, 404);
    assert.match(kiosk.json.error.message, /no kiosk "nope"; configured: test-page, animated, tablet/);
    assert.equal((await api("POST", "/api/session/missing/load", { url: `${app.fixtures.origin}/x` })).status, 404);
    assert.equal((await api("DELETE", "/api/session/missing")).status, 404);
    const route = await api("GET", "/api/nothing");
    assert.equal(route.status, 404);
    assert.equal(route.json.error.code, "not_found");
  });

  test("URLs outside the kiosks and allow patterns are refused with 403", async () => {
    const created = await api("POST", "/api/session/create", { url: "http://192.0.2.77/" });
    assert.equal(created.status, 403);
    assert.equal(created.json.error.code, "url_not_allowed");
    const ok = await api("POST", "/api/session/create", { kiosk: "test-page" });
    assert.equal(ok.status, 200);
    const id = ok.json.session_id as string;
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", `${app.renderer.url}/api/sessions`, "https://example.com/"]) {
      const load = await api("POST", `/api/session/${id}/load`, { url });
      assert.equal(load.status, 403, `${url} is refused`);
    }
    const same = await api("POST", `/api/session/${id}/load`, { url: `${app.fixtures.origin}/animated.html` });
    assert.equal(same.status, 200, "another page of a kiosk origin is allowed");
    assert.equal((await api("DELETE", `/api/session/${id}`)).json.success, true);
  });

  test("a client-chosen session id is accepted once (409 after), and the limit answers 503", async () => {
    const first = await api("POST", "/api/session/create", { session_id: "tablet-1", kiosk: "test-page" });
    assert.equal(first.status, 200);
    assert.equal(first.json.session_id, "tablet-1");
    assert.equal((await api("POST", "/api/session/create", { session_id: "tablet-1" })).status, 409);
    const second = await api("POST", "/api/session/create", { kiosk: "test-page" });
    const third = await api("POST", "/api/session/create", { kiosk: "test-page" });
    assert.equal(second.status, 200);
    assert.equal(third.status, 200);
    const fourth = await api("POST", "/api/session/create", { kiosk: "test-page" });
    assert.equal(fourth.status, 503);
    assert.equal(fourth.json.error.code, "too_many_sessions");
    const list = await api("GET", "/api/admin/sessions");
    assert.equal(list.json.sessions.length, 3);
    for (const s of list.json.sessions as { session_id: string }[]) await api("DELETE", `/api/session/${s.session_id}`);
    assert.equal((await api("GET", "/api/admin/sessions")).json.sessions.length, 0);
  });
});

describe("signaling", () => {
  test("malformed and out-of-order messages get error replies and the socket stays usable", async () => {
    const s = await signaling();
    s.send("not json");
    assert.deepEqual(await s.next(), { type: "error", code: "invalid_message", message: "message: is not valid JSON" });
    s.send({ type: "hello" });
    assert.equal((await s.next()).code, "invalid_message");
    s.send({ type: "answer", answer: { type: "answer", sdp: "v=0" } });
    assert.equal((await s.next()).code, "not_joined");
    s.send({ type: "join", session_id: "no-such-session" });
    const unknown = await s.next();
    assert.equal(unknown.code, "unknown_session");
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await s.next()).code, "invalid_message");
    s.send({ type: "ping" });
    assert.deepEqual(await s.next(), { type: "pong" });
    s.close();
  });

  test("an oversized message closes that socket only", async () => {
    const s = await signaling();
    const closed = new Promise<number>((resolve) => s.ws.once("close", (code) => resolve(code)));
    s.send(JSON.stringify({ type: "ping", pad: "x".repeat(200_000) }));
    assert.equal(await closed, 1009, "closed with 1009 (message too big)");
    assert.equal((await api("GET", "/health")).status, 200);
  });

  test("join sends an offer with ICE servers and the viewport; a second join on the socket is refused", async () => {
    const created = await api("POST", "/api/session/create", { kiosk: "test-page", width: 801, height: 601 });
    assert.deepEqual(created.json.viewport, { width: 800, height: 600 }, "odd sizes are rounded to even for I420");
    const s = await signaling();
    s.send({ type: "join", session_id: created.json.session_id });
    const offer = await s.nextNonIce();
    assert.equal(offer.type, "offer");
    assert.equal(offer.offer.type, "offer");
    assert.match(offer.offer.sdp, /VP8/);
    assert.match(offer.offer.sdp, /a=candidate:/, "the offer carries candidates for clients that ignore trickled ones");
    assert.match(offer.offer.sdp, /m=application/, "the input DataChannel is negotiated");
    assert.deepEqual(offer.iceServers, []);
    assert.deepEqual(offer.viewport, { width: 800, height: 600 });
    s.send({ type: "join", session_id: created.json.session_id });
    assert.equal((await s.nextNonIce()).code, "already_joined");
    s.send({ type: "answer", answer: { type: "answer", sdp: "garbage" } });
    const failed = await s.nextNonIce();
    assert.equal(failed.code, "negotiation_failed");
    s.close();
    await api("DELETE", `/api/session/${created.json.session_id}`);
  });

  test("closing the socket keeps the session for a rejoin; the idle timeout then closes it", async () => {
    const created = await api("POST", "/api/session/create", { kiosk: "test-page" });
    const id = created.json.session_id as string;
    const s1 = await signaling();
    s1.send({ type: "join", session_id: id });
    assert.equal((await s1.nextNonIce()).type, "offer");
    s1.close();
    // The rejoin below must find the first viewer gone, not still counted.
    await waitFor(
      async () => (await api("GET", `/api/session/${id}`)).json.session?.viewers === 0,
      "the closed socket to leave the session",
      10_000,
    );
    const s2 = await signaling();
    s2.send({ type: "join", session_id: id });
    assert.equal((await s2.nextNonIce()).type, "offer", "the same session can be joined again");
    const listed = await api("GET", `/api/session/${id}`);
    assert.equal(listed.json.session.viewers, 1);
    s2.close();
    // idleTimeoutSeconds is 8 in this config: the session goes once no viewer is left.
    await pollUntil(async () => (await api("GET", `/api/session/${id}`)).status !== 200, 20_000, 250);
    assert.equal((await api("GET", `/api/session/${id}`)).status, 404, "closed after the idle timeout");
  });

  test("a viewer is told when its session is closed", async () => {
    const created = await api("POST", "/api/session/create", { kiosk: "test-page" });
    const s = await signaling();
    s.send({ type: "join", session_id: created.json.session_id });
    await s.nextNonIce();
    await api("DELETE", `/api/session/${created.json.session_id}`);
    const message = await s.nextNonIce();
    assert.equal(message.code, "session_closed");
  });

  test("upgrades on other paths are refused", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.renderer.port}/ws/other`);
    const error = await new Promise<Error>((resolve) => ws.once("error", resolve));
    assert.match(error.message, /404/);
  });
});
