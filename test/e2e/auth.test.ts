/**
 * Access control, on and off: with a PIN, nothing but health, the login page and static code
 * answers without it; the PIN (form or pairing link) sets a cookie that opens the viewer, the API
 * and the signaling socket; wrong PINs are rate-limited; admin routes need the admin token;
 * WebSocket upgrades from foreign origins are refused; CORS only for listed origins.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WebSocket } from "ws";
import { useAppliance } from "../support/appliance.js";
import { launchClient } from "../support/client-browser.js";
import { testConfig } from "../support/config.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";

const PIN = "482100";
const ADMIN = "admin-token-0123456789abcdef";
const LISTED = "http://127.0.0.1:9999";

const app = useAppliance({
  renderers: {
    locked: {
      config: (origin) => testConfig(origin, { extra: `auth: { pin: "${PIN}", adminToken: ${ADMIN} }\nallowedOrigins: ["${LISTED}"]` }),
    },
    open: {},
  },
});

const get = (r: RendererProcess, path: string, headers: Record<string, string> = {}) =>
  fetch(r.url + path, { headers, redirect: "manual" });

function upgrade(r: RendererProcess, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${r.port}/ws/signaling`, { headers });
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
    ws.once("error", (err) => resolve(`error ${err.message}`));
  });
}

async function login(pin: string): Promise<Response> {
  return fetch(`${app.renderers.locked.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "ignored" },
    body: new URLSearchParams({ pin, next: "/viewer?kiosk=test-page" }).toString(),
    redirect: "manual",
  });
}

describe("auth off (the default)", () => {
  test("everything answers without credentials", async () => {
    assert.equal((await get(app.renderers.open, "/api/kiosks")).status, 200);
    assert.equal((await get(app.renderers.open, "/api/sessions")).status, 200);
    assert.equal((await get(app.renderers.open, "/")).status, 200);
    assert.equal(await upgrade(app.renderers.open, {}), "open");
  });
});

describe("auth on", () => {
  test("without the PIN: 401 on the API, the login page for pages, 401 on the socket; health stays public", async () => {
    const api = await get(app.renderers.locked, "/api/kiosks");
    assert.equal(api.status, 401);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, "auth_required");
    const page = await get(app.renderers.locked, "/viewer?kiosk=test-page");
    assert.equal(page.status, 302);
    assert.equal(page.headers.get("location"), "/login?next=%2Fviewer%3Fkiosk%3Dtest-page");
    assert.equal(await upgrade(app.renderers.locked, {}), "401");
    assert.equal((await get(app.renderers.locked, "/health")).status, 200);
    assert.equal((await get(app.renderers.locked, "/login")).status, 200);
    assert.equal((await get(app.renderers.locked, "/app.js")).status, 200);
  });

  test("the right PIN sets a cookie that opens the API, the pages and the socket", async () => {
    const res = await login(PIN);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/viewer?kiosk=test-page");
    const cookie = res.headers.get("set-cookie")!.split(";")[0];
    assert.match(res.headers.get("set-cookie")!, /HttpOnly; SameSite=Strict/);
    assert.equal((await get(app.renderers.locked, "/api/kiosks", { cookie })).status, 200);
    assert.equal((await get(app.renderers.locked, "/viewer", { cookie })).status, 200);
    assert.equal(await upgrade(app.renderers.locked, { cookie }), "open");
    assert.equal(await upgrade(app.renderers.locked, { cookie: "jiomosa_auth=forged" }), "401");
  });

  test("a pairing link sets the cookie and drops the token from the URL", async () => {
    const res = await get(app.renderers.locked, `/viewer?kiosk=test-page&token=${PIN}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/viewer?kiosk=test-page");
    assert.match(res.headers.get("set-cookie") ?? "", /^jiomosa_auth=/);
  });

  test("admin routes need the admin token even with the PIN cookie", async () => {
    const cookie = (await login(PIN)).headers.get("set-cookie")!.split(";")[0];
    assert.equal((await get(app.renderers.locked, "/api/sessions", { cookie })).status, 403);
    assert.equal((await get(app.renderers.locked, "/metrics", { cookie })).status, 403);
    assert.equal((await get(app.renderers.locked, "/api/sessions", { authorization: `Bearer ${ADMIN}` })).status, 200);
    assert.equal((await get(app.renderers.locked, "/metrics", { authorization: `Bearer ${ADMIN}` })).status, 200);
    assert.equal((await get(app.renderers.locked, "/api/sessions", { authorization: "Bearer wrong-token-0123456789" })).status, 403);
    assert.equal((await get(app.renderers.locked, "/api/admin/sessions", { cookie })).status, 403);
    assert.equal((await get(app.renderers.locked, "/api/admin/sessions", { authorization: `Bearer ${ADMIN}` })).status, 200);
    const closeAll = await fetch(`${app.renderers.locked.url}/api/sessions`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(closeAll.status, 200);
  });

  test("WebSocket upgrades from foreign origins are refused; a listed origin gets CORS, others none", async () => {
    const cookie = (await login(PIN)).headers.get("set-cookie")!.split(";")[0];
    assert.equal(await upgrade(app.renderers.locked, { cookie, origin: "http://evil.example" }), "403");
    assert.equal(await upgrade(app.renderers.locked, { cookie, origin: LISTED }), "open");
    const listed = await get(app.renderers.locked, "/api/kiosks", { cookie, origin: LISTED });
    assert.equal(listed.headers.get("access-control-allow-origin"), LISTED);
    const foreign = await get(app.renderers.locked, "/api/kiosks", { cookie, origin: "http://evil.example" });
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    const preflight = await fetch(`${app.renderers.locked.url}/api/session/create`, { method: "OPTIONS", headers: { origin: LISTED } });
    assert.equal(preflight.status, 204);
    assert.notEqual(preflight.headers.get("access-control-allow-origin"), "*");
  });

  test("wrong PINs are refused and then rate-limited", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login("0000")).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[6], 429, `then 429: ${statuses.join(",")}`);
    assert.equal((await login(PIN)).status, 429, "even the right PIN waits out the window");
  });

  test("a tablet enters the PIN once and reaches the launcher", async () => {
    // A fresh renderer: the rate limit of the test above applies to this address.
    const fresh = await startRenderer(testConfig(app.fixtures.origin, { extra: `auth: { pin: "${PIN}" }` }));
    const client = await launchClient();
    try {
      const page = await client.newPage();
      await page.goto(`${fresh.url}/`);
      await page.waitForURL(/\/login\?next=/);
      await page.fill("#pin", "9999");
      await page.click("button[type=submit]");
      await page.locator(".error", { hasText: "Wrong PIN" }).waitFor({ timeout: 10_000 });
      await page.fill("#pin", PIN);
      await page.click("button[type=submit]");
      await page.locator("a.tile").first().waitFor({ timeout: 20_000 });
      await page.goto(`${fresh.url}/diagnostics`);
      assert.equal(page.url(), `${fresh.url}/diagnostics`, "the cookie is remembered");
    } finally {
      await client.close();
      await fresh.stop();
    }
  });
});
