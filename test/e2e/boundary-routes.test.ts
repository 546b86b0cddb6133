/**
 * The HTTP boundary as an attacker on the LAN or a foreign web page meets it: admin routes in
 * every spelling the router could be fooled by, HEAD beside GET, a rebound Host on HTTP and on
 * the signaling upgrade, cross-site writes, and the headers every reply carries.
 */
import assert from "node:assert/strict";
import { hostname, networkInterfaces } from "node:os";
import { describe, test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { cookieFrom, rawLines, rawRequest, upgradeWith } from "../support/raw-http.js";
import type { RendererProcess } from "../support/renderer-process.js";

const PIN = "482193";
const ADMIN = "admin-token-0123456789abcdef";
const LISTED = "http://127.0.0.1:9999";
const EVIL = "http://evil.example";
const JSON_TYPE = { "content-type": "application/json" };

let cookie: string;

const app = useAppliance({
  renderers: {
    locked: {
      config: (origin) =>
        testConfig(origin, { extra: `auth: { pin: "${PIN}", adminToken: ${ADMIN} }\nallowedOrigins: ["${LISTED}"]` }).replace(
          "listen: { host: 127.0.0.1, port: 0 }",
          "listen: { host: 127.0.0.1, port: 0, hosts: [kiosk.lan] }",
        ),
    },
    open: { config: (origin) => testConfig(origin, { extra: `allowedOrigins: ["${LISTED}"]` }) },
  },
  setUp: async ({ renderers: { locked } }) => {
    const login = await rawRequest(locked.port, "/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `pin=${PIN}&next=/`,
    });
    assert.equal(login.status, 302, login.body);
    cookie = cookieFrom(login, "jiomosa_auth")!;
    assert.ok(cookie, "the PIN sets the auth cookie");
  },
});

const sameOrigin = (r: RendererProcess) => ({ origin: `http://127.0.0.1:${r.port}` });

async function createSession(r: RendererProcess, headers: Record<string, string>): Promise<string> {
  const reply = await rawRequest(r.port, "/api/session/create", {
    method: "POST",
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify({ kiosk: "test-page" }),
  });
  assert.equal(reply.status, 200, reply.body);
  return reply.json!.session_id as string;
}

async function sessionCount(r: RendererProcess): Promise<number> {
  const reply = await rawRequest(r.port, "/api/info");
  const info = reply.json as { browser?: { active_sessions: number }; sessions?: { active: number } };
  return info.browser?.active_sessions ?? info.sessions!.active;
}

describe("admin routes in every spelling", () => {
  const spellings = [
    "/api/sessions/",
    "/API/SESSIONS",
    "/Api/Sessions",
    "//api/sessions",
    "/api/sessions%2F",
    "/api/sessions/.",
    "/metrics/",
    "/METRICS",
    "/Metrics",
    "//metrics",
    "/metrics%2F",
    "/api/admin/sessions/",
    "/API/ADMIN/SESSIONS",
    "/api/admin/tokens/revoke/",
  ];

  test("a PIN cookie without the admin token gets 403 or 404, never data, on GET, HEAD and DELETE", async () => {
    const id = await createSession(app.renderers.locked, { cookie });
    for (const path of spellings) {
      for (const method of ["GET", "HEAD", "DELETE", "POST"]) {
        const reply = await rawRequest(app.renderers.locked.port, path, { method, headers: { cookie } });
        assert.ok([403, 404, 405].includes(reply.status), `${method} ${path}: got ${reply.status} ${reply.body.slice(0, 200)}`);
        assert.ok(!reply.body.includes(id), `${method} ${path} leaks the session id`);
        assert.ok(!reply.body.includes("jiomosa_"), `${method} ${path} leaks metrics`);
      }
    }
    for (const path of ["/api/sessions", "/metrics", "/api/admin/sessions"]) {
      assert.equal(
        (await rawRequest(app.renderers.locked.port, path, { headers: { cookie } })).status,
        403,
        `GET ${path} with only the PIN cookie`,
      );
      assert.equal(
        (await rawRequest(app.renderers.locked.port, path, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
        200,
        `GET ${path} with the admin token`,
      );
    }
    assert.equal((await rawRequest(app.renderers.locked.port, "/api/sessions", { method: "DELETE", headers: { cookie } })).status, 403);
    assert.equal(
      (await rawRequest(app.renderers.locked.port, `/api/session/${id}`, { headers: { cookie } })).status,
      200,
      "no spelling closed the session",
    );
  });

  test("HEAD follows GET: same access, no body", async () => {
    const kiosks = await rawRequest(app.renderers.locked.port, "/api/kiosks", { method: "HEAD", headers: { cookie } });
    assert.equal(kiosks.status, 200);
    assert.equal(kiosks.body, "");
    assert.equal((await rawRequest(app.renderers.locked.port, "/api/kiosks", { method: "HEAD" })).status, 401, "HEAD without the PIN");
    assert.equal(
      (await rawRequest(app.renderers.locked.port, "/metrics", { method: "HEAD", headers: { cookie } })).status,
      403,
      "HEAD of an admin route",
    );
    assert.equal((await rawRequest(app.renderers.locked.port, "/health", { method: "HEAD" })).status, 200);
  });
});

describe("Host allowlist (DNS rebinding)", () => {
  const foreign = (port: number) => [
    `evil.example:${port}`,
    "EVIL.example",
    `evil.example.:${port}`,
    `user@127.0.0.1:${port}`,
    `127.0.0.1.evil.example:${port}`,
    `127.0.0.1:${port}@evil.example`,
    "kiosk.lan.evil.example",
    "[::2]",
  ];

  test("a foreign Host gets 421 with a message on every route, public ones included", async () => {
    for (const host of foreign(app.renderers.locked.port)) {
      for (const path of ["/api/kiosks", "/health", "/", "/login"]) {
        const reply = await rawRequest(app.renderers.locked.port, path, { headers: { host, cookie } });
        assert.equal(reply.status, 421, `Host ${host} ${path}: ${reply.status}`);
        assert.match(reply.body, /listen\.hosts/, "the message says how to allow a name");
      }
    }
    const http10 = await rawLines(app.renderers.locked.port, ["GET /health HTTP/1.0"]);
    assert.equal(http10.status, 421, "HTTP/1.0 without Host");
    const missing = await rawLines(app.renderers.locked.port, ["GET /health HTTP/1.1", "Connection: close"]);
    assert.ok([400, 421].includes(missing.status), `HTTP/1.1 without Host: ${missing.status}`);
  });

  test("the box's own names and addresses are served", async () => {
    const port = app.renderers.locked.port;
    const hosts = [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      `kiosk.lan:${port}`,
      `KIOSK.LAN:${port}`,
      "kiosk.lan.",
      hostname(),
      `${hostname()}.local:${port}`,
    ];
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? [])
        if (!a.address.includes("%") && !a.address.startsWith("fe80"))
          hosts.push(a.family === "IPv6" ? `[${a.address}]:${port}` : `${a.address}:${port}`);
    }
    for (const host of hosts) {
      const reply = await rawRequest(port, "/api/kiosks", { headers: { host, cookie } });
      assert.equal(reply.status, 200, `Host ${host}: ${reply.status} ${reply.body}`);
    }
  });

  test("a WebSocket upgrade with a rebound Host and its matching Origin is refused", async () => {
    const port = app.renderers.locked.port;
    assert.equal(await upgradeWith(port, { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, cookie }), "421");
    assert.equal(await upgradeWith(port, { host: `EVIL.EXAMPLE:${port}`, origin: `http://EVIL.EXAMPLE:${port}`, cookie }), "421");
    assert.equal(
      await upgradeWith(app.renderers.open.port, {
        host: `evil.example:${app.renderers.open.port}`,
        origin: `http://evil.example:${app.renderers.open.port}`,
      }),
      "421",
      "on an open LAN too",
    );
    assert.equal(await upgradeWith(port, { host: `localhost:${port}`, origin: `http://localhost:${port}`, cookie }), "open");
    assert.equal(await upgradeWith(port, { host: `kiosk.lan:${port}`, origin: `http://kiosk.lan:${port}`, cookie }), "open");
  });
});

describe("cross-site writes", () => {
  const body = JSON.stringify({ kiosk: "test-page" });

  test("a text/plain POST from a foreign page creates nothing, in any spelling of the origin", async () => {
    const before = await sessionCount(app.renderers.open);
    const port = app.renderers.open.port;
    const attempts: Record<string, string>[] = [
      { origin: EVIL, "content-type": "text/plain" },
      { origin: EVIL, ...JSON_TYPE },
      { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      { "sec-fetch-site": "cross-site", ...JSON_TYPE },
      { "sec-fetch-site": "same-site", ...JSON_TYPE },
      { origin: "null", ...JSON_TYPE },
      { origin: `http://127.0.0.1:${port + 1}`, ...JSON_TYPE },
      { origin: `https://127.0.0.1:${port}`, ...JSON_TYPE },
      { origin: `http://localhost:${port}`, ...JSON_TYPE },
      { origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "cross-site", ...JSON_TYPE },
      { origin: "null", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
    ];
    for (const headers of attempts) {
      const reply = await rawRequest(port, "/api/session/create", { method: "POST", headers, body });
      assert.equal(reply.status, 403, `${JSON.stringify(headers)}: ${reply.status} ${reply.body}`);
      assert.match(reply.body, /origin|cross-site/i);
    }
    assert.equal(await sessionCount(app.renderers.open), before, "no session was created");
  });

  test("a body must be JSON: text/plain, form and missing types get 415", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonp",
      "text/plain; application/json",
      "",
    ]) {
      const headers: Record<string, string> = { ...sameOrigin(app.renderers.open), "sec-fetch-site": "same-origin" };
      if (type) headers["content-type"] = type;
      const reply = await rawRequest(app.renderers.open.port, "/api/session/create", { method: "POST", headers, body });
      assert.equal(reply.status, 415, `Content-Type ${JSON.stringify(type)}: ${reply.status} ${reply.body}`);
    }
  });

  test("same origin, a listed origin and scripts (no Origin, no Sec-Fetch-Site) still write", async () => {
    const variants: Record<string, string>[] = [
      { ...sameOrigin(app.renderers.open), "sec-fetch-site": "same-origin", ...JSON_TYPE },
      { ...sameOrigin(app.renderers.open), "content-type": "application/json; charset=utf-8" },
      { origin: LISTED, "sec-fetch-site": "cross-site", ...JSON_TYPE },
      { ...JSON_TYPE },
      // A same-origin page under Referrer-Policy: no-referrer: the browser says "null" but Sec-Fetch-Site tells.
      { origin: "null", "sec-fetch-site": "same-origin", ...JSON_TYPE },
    ];
    for (const headers of variants) {
      const id = await createSession(app.renderers.open, headers);
      const del = await rawRequest(app.renderers.open.port, `/api/session/${id}`, { method: "DELETE", headers: { ...headers } });
      assert.equal(del.status, 200, `DELETE with ${JSON.stringify(headers)}: ${del.body}`);
    }
  });

  test("a foreign page cannot close or load a session either", async () => {
    const id = await createSession(app.renderers.open, JSON_TYPE);
    const del = await rawRequest(app.renderers.open.port, `/api/session/${id}`, { method: "DELETE", headers: { origin: EVIL } });
    assert.equal(del.status, 403);
    const load = await rawRequest(app.renderers.open.port, `/api/session/${id}/load`, {
      method: "POST",
      headers: { origin: EVIL, "content-type": "text/plain" },
      body: JSON.stringify({ url: `${app.fixtures.origin}/page2.html` }),
    });
    assert.equal(load.status, 403);
    assert.equal((await rawRequest(app.renderers.open.port, `/api/session/${id}`)).status, 200, "the session survived");
    await rawRequest(app.renderers.open.port, `/api/session/${id}`, { method: "DELETE" });
  });

  test("WebSocket upgrades follow the same origin rule", async () => {
    const port = app.renderers.open.port;
    const refused: Record<string, string>[] = [
      { origin: EVIL },
      { origin: "null" },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: `https://127.0.0.1:${port}` },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of refused) {
      assert.equal(await upgradeWith(port, headers), "403", JSON.stringify(headers));
    }
    assert.equal(await upgradeWith(port, sameOrigin(app.renderers.open)), "open");
    assert.equal(await upgradeWith(port, { origin: LISTED }), "open");
    assert.equal(await upgradeWith(port, {}), "open", "a script without Origin");
  });

  test("/login takes its form only from the same origin, not even from a listed one", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const foreignForms: Record<string, string>[] = [
      { origin: EVIL },
      { origin: LISTED },
      { "sec-fetch-site": "cross-site" },
      { origin: "null" },
    ];
    for (const headers of foreignForms) {
      const reply = await rawRequest(app.renderers.locked.port, "/login", {
        method: "POST",
        headers: { ...form, ...headers },
        body: `pin=${PIN}`,
      });
      assert.equal(reply.status, 403, `${JSON.stringify(headers)}: ${reply.status}`);
      assert.equal(cookieFrom(reply, "jiomosa_auth"), null);
    }
    const ok = await rawRequest(app.renderers.locked.port, "/login", {
      method: "POST",
      headers: { ...form, ...sameOrigin(app.renderers.locked), "sec-fetch-site": "same-origin" },
      body: `pin=${PIN}`,
    });
    assert.equal(ok.status, 302);
  });
});

describe("headers on every reply", () => {
  test("frame-ancestors, nosniff and no-referrer on pages, API, errors and refusals", async () => {
    const replies = [
      await rawRequest(app.renderers.locked.port, "/", { headers: { cookie } }),
      await rawRequest(app.renderers.locked.port, "/api/kiosks", { headers: { cookie } }),
      await rawRequest(app.renderers.locked.port, "/api/kiosks"),
      await rawRequest(app.renderers.locked.port, "/health"),
      await rawRequest(app.renderers.locked.port, "/login"),
      await rawRequest(app.renderers.locked.port, "/no/such/path", { headers: { cookie } }),
      await rawRequest(app.renderers.locked.port, "/health", { headers: { host: "evil.example" } }),
      await rawRequest(app.renderers.locked.port, "/metrics", { headers: { cookie } }),
    ];
    for (const reply of replies) {
      assert.equal(
        reply.headers["content-security-policy"],
        `frame-ancestors 'self' ${LISTED}`,
        `${reply.status} ${reply.body.slice(0, 80)}`,
      );
      assert.equal(reply.headers["x-content-type-options"], "nosniff");
      // The viewer's shell and the PIN page keep same-origin referrers, so their writes carry a real
      // Origin in browsers without Sec-Fetch-Site; everything else sends none.
      const ownPage = [0, 4].includes(replies.indexOf(reply));
      assert.equal(reply.headers["referrer-policy"], ownPage ? "same-origin" : "no-referrer");
    }
  });
});
