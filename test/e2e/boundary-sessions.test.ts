/**
 * Sessions against a greedy or nosy client: one address cannot take every session, a tablet
 * that opens another kiosk frees its previous one, a join that never answers gives its viewer
 * slot back, sockets per address are capped, TURN credentials live an hour and are minted at a
 * bounded rate, and a tablet's session (chosen id or not) is nobody else's.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { launchClient } from "../support/client-browser.js";
import { testConfig } from "../support/config.js";
import { cookieFrom, openSocket, rawRequest } from "../support/raw-http.js";
import { connectSignaling } from "../support/signaling-client.js";
import { waitFor } from "../support/wait.js";

const ADMIN = "admin-token-0123456789abcdef";
const JSON_TYPE = { "content-type": "application/json" };

const app = useAppliance({
  config: (origin) => {
    const turn =
      'turn: { enabled: true, spawn: never, urls: ["turn:127.0.0.1:3478?transport=udp"], secret: "quota-test-secret-0123456789" }';
    return testConfig(origin, {
      sessionsMax: 6,
      maxPerClient: 2,
      idleTimeoutSeconds: 4,
      sessionFields: "maxViewersPerSession: 1",
      extra: `${turn}\nauth: { adminToken: ${ADMIN} }`,
    }).replace("listen: { host: 127.0.0.1, port: 0 }", "listen: { host: 127.0.0.1, port: 0, maxSocketsPerClient: 3 }");
  },
});

const create = (body: Record<string, unknown>, headers: Record<string, string> = {}, localAddress?: string) =>
  rawRequest(app.renderer.port, "/api/session/create", {
    method: "POST",
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify(body),
    ...(localAddress ? { localAddress } : {}),
  });

const remove = (id: string, headers: Record<string, string> = {}) =>
  rawRequest(app.renderer.port, `/api/session/${id}`, { method: "DELETE", headers });

/** A tablet's cookie, as the viewer page hands it to every browser that opens it. */
async function tabletCookie(): Promise<string> {
  const page = await rawRequest(app.renderer.port, "/viewer?kiosk=test-page");
  const cookie = cookieFrom(page, "jiomosa_tablet");
  assert.ok(cookie, `the viewer page sets a tablet cookie: ${JSON.stringify(page.headers["set-cookie"])}`);
  return cookie;
}

describe("quotas", () => {
  test("one address cannot take every session, whatever cookies it makes up", async () => {
    const ids: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await create({ kiosk: "test-page" }, { cookie: `jiomosa_tablet=made-up-${i}-0123456789abcdef` }, "127.0.0.20");
      statuses.push(reply.status);
      if (reply.status === 200) ids.push(reply.json!.session_id as string);
      else assert.match(String((reply.json!.error as { message: string }).message), /sessions\.maxPerClient/);
    }
    assert.deepEqual(statuses, [200, 200, 429, 429, 429]);
    const other = await create({ kiosk: "test-page" }, {}, "127.0.0.21");
    assert.equal(other.status, 200, "another tablet still gets a session");
    for (const id of [...ids, other.json!.session_id as string]) await remove(id);
  });

  test("a tablet opening kiosk after kiosk in the real viewer never meets the quota", async () => {
    const client = await launchClient();
    try {
      const page = await client.newPage();
      for (const kiosk of ["test-page", "animated", "tablet", "test-page", "animated"]) {
        await page.goto(`${app.renderer.url}/viewer?kiosk=${kiosk}`);
        await page.waitForFunction(
          () =>
            document.querySelector("jiomosa-viewer")?.shadowRoot?.querySelector("jiomosa-stream-view")?.shadowRoot?.querySelector("video")
              ?.videoWidth,
          undefined,
          { timeout: 30_000 },
        );
      }
      const sessions = (await rawRequest(app.renderer.port, "/api/admin/sessions", { headers: { authorization: `Bearer ${ADMIN}` } })).json!
        .sessions as unknown[];
      assert.ok(sessions.length <= 2, `the tablet holds at most its quota: ${sessions.length}`);
    } finally {
      await client.close();
    }
    // The tablet is gone: its sessions idle out, and this address's quota is free for the next tests.
    await waitFor(
      async () =>
        (
          (await rawRequest(app.renderer.port, "/api/admin/sessions", { headers: { authorization: `Bearer ${ADMIN}` } })).json!
            .sessions as unknown[]
        ).length === 0,
      "the tablet's sessions to idle out",
    );
  });

  test("a join whose answer never comes frees its viewer slot after 15 s", async () => {
    const id = (await create({ kiosk: "test-page" })).json!.session_id as string;
    const silent = await connectSignaling(app.renderer.port);
    silent.send({ type: "join", session_id: id });
    assert.equal((await silent.next()).type, "offer");
    const second = await connectSignaling(app.renderer.port);
    second.send({ type: "join", session_id: id });
    assert.equal((await second.next()).code, "too_many_viewers", "the one slot is held");
    const dropped = await silent.next(25_000);
    assert.equal(dropped.code, "answer_timeout");
    assert.match(String(dropped.message), /no answer/);
    assert.equal((await silent.closed).code, 1008);
    const third = await connectSignaling(app.renderer.port);
    third.send({ type: "join", session_id: id });
    assert.equal((await third.next()).type, "offer", "the slot is free again");
    for (const c of [second, third]) c.close();
    await remove(id);
  });

  test("WebSocket connections per address are capped with a clear close", async () => {
    const kept = [];
    for (let i = 0; i < 3; i++) {
      const s = await openSocket(app.renderer.port, {}, "127.0.0.30");
      assert.equal(s.outcome, "open");
      kept.push(s);
    }
    const over = await connectSignaling(app.renderer.port, {}, "127.0.0.30");
    const closed = await over.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /too many connections.*3/);
    const elsewhere = await openSocket(app.renderer.port, {}, "127.0.0.31");
    assert.equal(elsewhere.outcome, "open", "another address is not affected");
    for (const s of [...kept, elsewhere]) if ("ws" in s) s.ws.close();
    await waitFor(async () => {
      const again = await openSocket(app.renderer.port, {}, "127.0.0.30");
      if (!("ws" in again)) return false;
      const c = await Promise.race([
        new Promise<boolean>((res) => again.ws.once("close", () => res(false))),
        new Promise<boolean>((res) => again.ws.once("pong", () => res(true)).ping()),
      ]);
      again.ws.close();
      return c;
    }, "a closed socket frees its place");
  });
});

describe("TURN credentials", () => {
  const expiryOf = (servers: unknown): number => {
    const turn = (servers as { username?: string }[]).find((s) => s.username)!;
    return Number(turn.username!.split(":")[0]);
  };

  test("minted for an hour, fresh on every join", async () => {
    const id = (await create({ kiosk: "test-page" })).json!.session_id as string;
    for (let i = 0; i < 2; i++) {
      const s = await connectSignaling(app.renderer.port, {}, "127.0.0.40");
      s.send({ type: "join", session_id: id });
      const offer = await s.next();
      assert.equal(offer.type, "offer");
      const lifetime = expiryOf(offer.iceServers) - Date.now() / 1000;
      assert.ok(Math.abs(lifetime - 3600) < 60, `lifetime ${lifetime} s`);
      s.close();
      await s.closed;
    }
    await remove(id);
  });

  test("minting is rate-limited per address, on /api/ice-servers and on joins", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++)
      statuses.push((await rawRequest(app.renderer.port, "/api/ice-servers", { localAddress: "127.0.0.41" })).status);
    assert.ok(
      statuses.slice(0, 10).every((s) => s === 200),
      statuses.join(","),
    );
    assert.ok(
      statuses.slice(30).every((s) => s === 429),
      `then 429: ${statuses.join(",")}`,
    );
    const fromElsewhere = await rawRequest(app.renderer.port, "/api/ice-servers", { localAddress: "127.0.0.42" });
    assert.equal(fromElsewhere.status, 200);
    assert.ok(Math.abs(expiryOf(fromElsewhere.json!.iceServers) - Date.now() / 1000 - 3600) < 60);
    const id = (await create({ kiosk: "test-page" })).json!.session_id as string;
    const s = await connectSignaling(app.renderer.port, {}, "127.0.0.41");
    s.send({ type: "join", session_id: id });
    const refused = await s.next();
    assert.equal(refused.code, "rate_limited", JSON.stringify(refused));
    s.close();
    await remove(id);
  });
});

describe("session ownership", () => {
  test("tablet B cannot join, load, read or close tablet A's session by its id", async () => {
    const a = await tabletCookie();
    const b = await tabletCookie();
    assert.notEqual(a, b);
    const created = await create({ session_id: "kitchen-1", kiosk: "test-page" }, { cookie: a });
    assert.equal(created.status, 200, created.body);
    assert.equal((await create({ session_id: "kitchen-1" }, { cookie: b })).status, 409, "an id in use");
    assert.equal((await create({ session_id: "kitchen-1" })).status, 409);
    const strangers: Record<string, string>[] = [{ cookie: b }, {}];
    for (const headers of strangers) {
      const join = await connectSignaling(app.renderer.port, headers);
      join.send({ type: "join", session_id: "kitchen-1" });
      assert.equal((await join.next()).code, "unknown_session", `join with ${JSON.stringify(headers)}`);
      join.close();
      assert.equal((await rawRequest(app.renderer.port, "/api/session/kitchen-1", { headers })).status, 404);
      assert.equal((await rawRequest(app.renderer.port, "/api/session/kitchen-1/stats", { headers })).status, 404);
      const load = await rawRequest(app.renderer.port, "/api/session/kitchen-1/load", {
        method: "POST",
        headers: { ...headers, ...JSON_TYPE },
        body: JSON.stringify({ url: `${app.fixtures.origin}/page2.html` }),
      });
      assert.equal(load.status, 404);
      assert.equal((await remove("kitchen-1", headers)).status, 404);
    }
    const own = await connectSignaling(app.renderer.port, { cookie: a });
    own.send({ type: "join", session_id: "kitchen-1" });
    assert.equal((await own.next()).type, "offer", "tablet A joins its own session");
    own.close();
    const load = await rawRequest(app.renderer.port, "/api/session/kitchen-1/load", {
      method: "POST",
      headers: { cookie: a, ...JSON_TYPE },
      body: JSON.stringify({ url: `${app.fixtures.origin}/page2.html` }),
    });
    assert.equal(load.status, 200, load.body);
    assert.equal(
      (await rawRequest(app.renderer.port, "/api/session/kitchen-1", { headers: { authorization: `Bearer ${ADMIN}` } })).status,
      200,
      "the admin sees it",
    );

    // Tablet A's session expires (idle); B re-creates the known id and gets a fresh page.
    await waitFor(
      async () => (await create({ session_id: "kitchen-1", kiosk: "test-page" }, { cookie: b })).status === 200,
      "the id to be free again",
      30_000,
    );
    const session = (await rawRequest(app.renderer.port, "/api/session/kitchen-1", { headers: { cookie: b } })).json!.session as {
      url: string;
    };
    assert.match(session.url, /test-page\.html/, `nobody else's screen: ${session.url}`);
    const resume = await connectSignaling(app.renderer.port, { cookie: a });
    resume.send({ type: "join", session_id: "kitchen-1" });
    assert.equal((await resume.next()).code, "unknown_session", "A's remembered id no longer opens anything");
    resume.close();
    await remove("kitchen-1", { cookie: b });
  });

  test("a session created without any token stays usable as the original clients use it", async () => {
    const created = await create({ session_id: "script-1" });
    assert.equal(created.status, 200);
    const join = await connectSignaling(app.renderer.port);
    join.send({ type: "join", session_id: "script-1" });
    assert.equal((await join.next()).type, "offer");
    join.close();
    const load = await rawRequest(app.renderer.port, "/api/session/script-1/load", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ url: `${app.fixtures.origin}/page2.html` }),
    });
    assert.equal(load.status, 200);
    assert.equal((await remove("script-1")).status, 200);
  });
});
