/** The access rules on their own, with an injected clock: PIN back-off, origins, Host names, session owners. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostOf } from "../../renderer/http/host-allowlist.js";
import { crossSiteRefusal } from "../../renderer/http/origin-check.js";
import { FIRST_LOCK_MS, GLOBAL_FAILURE_BUDGET, PinGuard } from "../../renderer/http/pin-guard.js";
import { JOIN_GRACE_MS, SessionOwners } from "../../renderer/sessions/session-owners.js";

describe("PIN guard", () => {
  test("the global budget locks everyone, and each failure past it doubles the lock", () => {
    let now = 0;
    const guard = new PinGuard(() => now);
    for (let i = 0; i < GLOBAL_FAILURE_BUDGET; i++) {
      guard.check(`10.0.0.${i}`);
      guard.failed(`10.0.0.${i}`);
    }
    assert.throws(() => guard.check("10.0.1.1"), /too many wrong PINs on this appliance; wait 1 s/);
    now += FIRST_LOCK_MS;
    guard.check("10.0.1.1");
    guard.failed("10.0.1.1");
    assert.throws(() => guard.check("10.0.1.2"), /wait 2 s/);
    now += 2 * FIRST_LOCK_MS;
    guard.failed("10.0.1.2");
    assert.throws(() => guard.check("10.0.1.3"), /wait 4 s/);
  });

  test("one address is limited on its own before the budget", () => {
    let now = 0;
    const guard = new PinGuard(() => now);
    for (let i = 0; i < 5; i++) guard.failed("10.0.0.1");
    assert.throws(() => guard.check("10.0.0.1"), /from this address/);
    guard.check("10.0.0.2");
    now += 61_000;
    guard.check("10.0.0.1");
  });
});

describe("origin rule", () => {
  const host = "192.168.1.5:8000";
  const allowed = ["http://dash.lan:3000"];
  const refused = (origin: string | undefined, secFetchSite?: string, only: string[] = allowed) =>
    crossSiteRefusal({ origin, secFetchSite, host }, only) !== null;

  test("same origin, listed origins and non-browsers pass", () => {
    assert.equal(refused(`http://${host}`), false);
    assert.equal(refused(`http://${host}`, "same-origin"), false);
    assert.equal(refused("http://dash.lan:3000", "cross-site"), false);
    assert.equal(refused(undefined), false);
    assert.equal(refused(undefined, "none"), false);
    assert.equal(refused("null", "same-origin"), false, "a same-origin form under no-referrer");
  });

  test("other sites in every spelling are refused", () => {
    for (const origin of [
      "http://evil.example",
      "null",
      "http://192.168.1.5:8001",
      "https://192.168.1.5:8000",
      "http://192.168.1.5",
      "http://192.168.1.5:8000.evil.example",
    ]) {
      assert.equal(refused(origin), true, origin);
    }
    assert.equal(refused(undefined, "cross-site"), true);
    assert.equal(refused(undefined, "same-site"), true);
    assert.equal(refused(`http://${host}`, "cross-site"), true);
    assert.equal(refused("null", "cross-site"), true);
    assert.equal(refused(`http://${host}`, "same-site"), true);
    assert.equal(refused("http://dash.lan:3000", undefined, []), true, "/login takes no listed origin");
  });
});

describe("Host names", () => {
  test("parsed strictly: port, brackets and one trailing dot go, anything odd is malformed", () => {
    assert.equal(hostOf("Kiosk.LAN:8000"), "kiosk.lan");
    assert.equal(hostOf("kiosk.lan."), "kiosk.lan");
    assert.equal(hostOf("[::1]:8000"), "::1");
    assert.equal(hostOf("[FE80::1]"), "fe80::1");
    for (const bad of [
      "user@kiosk.lan",
      "kiosk.lan:8000@evil",
      "kiosk..lan",
      ".kiosk",
      "[::1",
      "[evil]",
      "a b",
      "",
      "kiosk.lan:80:80",
      "kiosk.lan/x",
    ])
      assert.equal(hostOf(bad), null, bad);
  });
});

describe("session owners", () => {
  test("a tablet's session is its own; an anonymous one is anyone's; the quota is per address", () => {
    let now = 0;
    const owners = new SessionOwners(2, () => now);
    const a = { address: "10.0.0.1", tablet: "tablet-a-0123456789", admin: false };
    const b = { address: "10.0.0.2", tablet: "tablet-b-0123456789", admin: false };
    owners.add("s1", a);
    owners.add("s2", { ...b, tablet: null });
    assert.equal(owners.mayUse("s1", a), true);
    assert.equal(owners.mayUse("s1", b), false);
    assert.equal(owners.mayUse("s1", { ...b, admin: true }), true);
    assert.equal(owners.mayUse("s2", a), true);
    owners.add("s3", { ...a, tablet: "another-made-up-id" });
    assert.throws(() => owners.checkQuota(a), /sessions\.maxPerClient is 2/);
    owners.checkQuota(b);
    assert.deepEqual(
      owners.previousOf(a, () => 0),
      [],
      "not joined and within the grace period",
    );
    owners.joined("s1");
    assert.deepEqual(
      owners.previousOf(a, () => 0),
      ["s1"],
    );
    assert.deepEqual(
      owners.previousOf(a, () => 1),
      [],
      "watched sessions stay",
    );
    now += JOIN_GRACE_MS + 1;
    assert.deepEqual(
      owners.previousOf({ ...a, tablet: "another-made-up-id" }, () => 0),
      ["s3"],
    );
  });
});
