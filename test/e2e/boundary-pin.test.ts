/**
 * The PIN as an attacker meets it: guesses spread over many source addresses run into one global
 * budget with a growing back-off; the cookie is a random server-side token that expires unless
 * used, survives a restart, and is revoked by a new PIN or an admin call; a pairing link leaves
 * neither the address bar nor the log holding the PIN.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { cookieFrom, type RawReply, rawRequest, upgradeWith } from "../support/raw-http.js";
import { startRenderer, type RendererProcess } from "../support/renderer-process.js";
import { waitFor } from "../support/wait.js";

const PIN = "739164";
const ADMIN = "admin-token-0123456789abcdef";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

// The tests start and stop renderers themselves (restarts, PINs that must stop the start).
const app = useAppliance({ renderer: false });

function config(pin: string, authExtra = "", origin = app.fixtures.origin): string {
  return testConfig(origin, { extra: `auth: { pin: "${pin}", adminToken: ${ADMIN}${authExtra} }` });
}

const login = (r: RendererProcess, pin: string, localAddress?: string): Promise<RawReply> =>
  rawRequest(r.port, "/login", {
    method: "POST",
    headers: FORM,
    body: `pin=${encodeURIComponent(pin)}&next=/`,
    ...(localAddress ? { localAddress } : {}),
  });

const kiosksWith = async (r: RendererProcess, cookie: string) => (await rawRequest(r.port, "/api/kiosks", { headers: { cookie } })).status;

describe("PIN guessing from many addresses", () => {
  const guessing = useAppliance({ config: (origin) => config(PIN, "", origin) });

  test("40 addresses guessing 3 times each meet one global budget, then a growing back-off", async () => {
    const statuses: number[] = [];
    const retryAfter: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 2; i < 42; i++) {
        const reply = await login(guessing.renderer, String(100000 + round * 100 + i), `127.0.0.${i}`);
        statuses.push(reply.status);
        if (reply.status === 429) retryAfter.push(Number(reply.headers["retry-after"]));
      }
    }
    const evaluated = statuses.filter((s) => s === 401).length;
    assert.ok(
      evaluated <= 24,
      `at most the global budget (20) and a few after each back-off were checked; got ${evaluated} of ${statuses.length}`,
    );
    assert.ok(statuses.filter((s) => s === 429).length >= 90, "the rest were refused without being checked");
    assert.ok(
      retryAfter.every((s) => s >= 1),
      "429s say when to try again",
    );
    const locked = await login(guessing.renderer, PIN, "127.0.0.99");
    assert.equal(locked.status, 429, "during the back-off even the right PIN from a new address waits");
    assert.match(locked.body, /too many wrong PINs/);
    // The lock grows: wait until a guess is checked again, then the next failure locks for longer.
    const lastLock = Number(locked.headers["retry-after"]);
    let reopened = false;
    await waitFor(
      async () => {
        const reply = await login(guessing.renderer, "999999", "127.0.0.98");
        if (reply.status === 401) reopened = true;
        return reopened;
      },
      "the back-off to end",
      60_000,
    );
    const next = await login(guessing.renderer, "999998", "127.0.0.97");
    assert.equal(next.status, 429);
    assert.ok(
      Number(next.headers["retry-after"]) > lastLock / 2 && Number(next.headers["retry-after"]) >= 2,
      `the back-off grows: ${lastLock} s then ${next.headers["retry-after"]} s`,
    );
  });
});

describe("the auth cookie is a server-side token", () => {
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-tokens-"));
  const tokenFile = join(dir, "tokens.json");
  let r: RendererProcess;

  after(async () => {
    await r?.stop();
  });

  test("random per login, not derived from the PIN, 30 days by default, forged values refused", async () => {
    r = await startRenderer(config(PIN, `, tokenFile: "${tokenFile}"`));
    const a = await login(r, PIN);
    const b = await login(r, PIN);
    const cookieA = cookieFrom(a, "jiomosa_auth")!;
    const cookieB = cookieFrom(b, "jiomosa_auth")!;
    assert.notEqual(cookieA, cookieB, "two logins, two tokens");
    const oldHmac = createHmac("sha256", PIN).update("jiomosa-auth-v1").digest("base64url");
    assert.notEqual(cookieA, `jiomosa_auth=${oldHmac}`);
    assert.match(String(a.headers["set-cookie"]), /Max-Age=2592000; .*HttpOnly; SameSite=Strict/);
    assert.equal(await kiosksWith(r, cookieA), 200);
    assert.equal(await kiosksWith(r, `jiomosa_auth=${oldHmac}`), 401);
    assert.equal(await kiosksWith(r, "jiomosa_auth=forged"), 401);
    const file = readFileSync(tokenFile, "utf8");
    assert.ok(!file.includes(cookieA.split("=")[1]) && !file.includes(PIN), "the file holds hashes only");
  });

  test("a restart keeps tablets paired; a new PIN revokes every token", async () => {
    const cookie = cookieFrom(await login(r, PIN), "jiomosa_auth")!;
    assert.equal(await r.stop(), 0);
    r = await startRenderer(config(PIN, `, tokenFile: "${tokenFile}"`));
    assert.equal(await kiosksWith(r, cookie), 200, "still paired after a restart");
    assert.equal(await upgradeWith(r.port, { cookie }), "open");
    assert.equal(await r.stop(), 0);
    r = await startRenderer(config("615243", `, tokenFile: "${tokenFile}"`));
    assert.equal(await kiosksWith(r, cookie), 401, "the PIN changed: the old token is gone");
    assert.equal(await upgradeWith(r.port, { cookie }), "401");
  });

  test("an admin call revokes every token; a PIN cookie alone cannot", async () => {
    const cookie = cookieFrom(await login(r, "615243"), "jiomosa_auth")!;
    const refused = await rawRequest(r.port, "/api/admin/tokens/revoke", { method: "POST", headers: { cookie } });
    assert.equal(refused.status, 403);
    assert.equal(await kiosksWith(r, cookie), 200);
    const revoked = await rawRequest(r.port, "/api/admin/tokens/revoke", { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(revoked.status, 200, revoked.body);
    assert.ok((revoked.json!.revoked as number) >= 1);
    assert.equal(await kiosksWith(r, cookie), 401);
  });

  test("expiry slides with use and ends without it", async () => {
    await r.stop();
    r = await startRenderer(config(PIN, ", tokenTtlSeconds: 5"));
    const cookie = cookieFrom(await login(r, PIN), "jiomosa_auth")!;
    // Used every second for 8 s (longer than the 5 s lifetime) it stays valid: the passing of
    // time is what this checks, so here the test does wait.
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      assert.equal(await kiosksWith(r, cookie), 200);
      await delay(1_000);
    }
    // Asking would use it and move its expiry again: leave it alone past its lifetime, then ask once.
    await delay(6_500);
    assert.equal(await kiosksWith(r, cookie), 401, "unused, it expires");
  });
});

describe("pairing link", () => {
  test("sets the cookie, redirects without the token, and the PIN never reaches the log", async () => {
    const r = await startRenderer(config(PIN), { LOG_LEVEL: "debug" });
    try {
      const paired = await rawRequest(r.port, `/viewer?kiosk=test-page&token=${PIN}`);
      assert.equal(paired.status, 302);
      assert.equal(paired.headers.location, "/viewer?kiosk=test-page");
      const cookie = cookieFrom(paired, "jiomosa_auth")!;
      assert.equal(await kiosksWith(r, cookie), 200);
      const wrong = await rawRequest(r.port, "/viewer?token=271828&kiosk=test-page");
      assert.equal(wrong.status, 302);
      assert.ok(
        !String(wrong.headers.location).includes("271828"),
        `a wrong token is not kept in the address bar: ${wrong.headers.location}`,
      );
      await rawRequest(r.port, `/api/kiosks?token=${PIN}`, { headers: { cookie } });
      await rawRequest(r.port, `/no/such/page?token=${PIN}`);
      await r.stop();
      const log = r.logs.join("");
      assert.ok(!log.includes(PIN) && !log.includes("271828"), "no token in the log");
    } finally {
      await r.stop();
    }
  });
});

describe("PIN length", () => {
  test("a PIN under 6 characters stops the start, naming auth.pin or JIOMOSA_PIN", async () => {
    await assert.rejects(startRenderer(config("4821")), /auth\.pin: .*at least 6/);
    await assert.rejects(startRenderer(testConfig(app.fixtures.origin), { JIOMOSA_PIN: "12345" }), /JIOMOSA_PIN: .*at least 6/);
  });
});
