/**
 * The URL policy holds inside the browser: a page of an allowed kiosk that tries to leave for
 * another origin by link, script, redirect, meta refresh, popup or frame stays where it is (the
 * other origin never serves the page), and the appliance's own API cannot be reached from a page.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { pollUntil, waitFor } from "../support/wait.js";

/** The same fixture server under another name: a different origin, not allowed by the config. */
let foreign: string;

const app = useAppliance({
  setUp: ({ fixtures }) => {
    foreign = fixtures.origin.replace("127.0.0.1", "localhost");
  },
});

async function openPolicyPage(action: string, to: string): Promise<string> {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${app.fixtures.origin}/policy.html?do=${action}&to=${encodeURIComponent(to)}` }),
  });
  const body = (await res.json()) as { session_id: string };
  assert.equal(res.status, 200);
  await app.fixtures.waitFor((r) => r.event === "policy-page" && r.action === action, 15_000, `the policy page (${action})`);
  return body.session_id;
}

/** The renderer refused the request for `url`: its navigation guard or its egress proxy logged the refusal. */
function refused(url: string): boolean {
  return app.renderer.logs
    .join("")
    .split("\n")
    .some((line) => /(blocked|refused) by the URL policy/.test(line) && line.includes(url));
}

async function sessionUrl(id: string): Promise<string> {
  return ((await (await fetch(`${app.renderer.url}/api/session/${id}`)).json()) as { session: { url: string } }).session.url;
}

for (const action of ["link", "script", "redirect", "meta", "popup", "iframe"]) {
  test(`leaving for a disallowed origin by ${action} is blocked`, async () => {
    const target = `${foreign}/page2.html?via=${action}`;
    const id = await openPolicyPage(action, target);
    // Once the page's attempt was refused, check that the foreign page never loaded anywhere.
    await waitFor(() => refused(target), `the refusal of the ${action}`, 15_000);
    const loadedForeign = app.fixtures.reports.some((r) => r.event === "loaded" && r.origin === foreign);
    assert.equal(loadedForeign, false, `the ${action} reached ${foreign}`);
    const session = (await (await fetch(`${app.renderer.url}/api/session/${id}`)).json()) as { session: { url: string } };
    assert.ok(!session.session.url.startsWith(foreign), `the session is not on the foreign origin (${session.session.url})`);
    await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
  });
}

test("the same navigations to an allowed page do work (the guard is not blocking everything)", async () => {
  const id = await openPolicyPage("script", `${app.fixtures.origin}/page2.html?via=allowed`);
  await app.fixtures.waitFor(
    (r) => r.event === "loaded" && r.origin === app.fixtures.origin && r.path === "/page2.html",
    15_000,
    "the allowed page",
  );
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});

test("a page cannot reach the appliance's API", async () => {
  const id = await openPolicyPage("api", `${app.renderer.url}/api/sessions`);
  const outcome = await app.fixtures.waitFor((r) => r.event === "api", 15_000, "the page's API request outcome");
  assert.equal(outcome.reached, false);
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});

test("an allowed popup opens in the session's one page", async () => {
  const id = await openPolicyPage("popup", `${app.fixtures.origin}/page2.html?via=popup`);
  await app.fixtures.waitFor(
    (r) => r.event === "loaded" && r.origin === app.fixtures.origin && r.search === "?via=popup",
    15_000,
    "the popup's page",
  );
  const expected = `${app.fixtures.origin}/page2.html?via=popup`;
  await pollUntil(async () => (await sessionUrl(id)) === expected, 5_000);
  assert.equal(await sessionUrl(id), expected, "the session's page itself navigated");
  await fetch(`${app.renderer.url}/api/session/${id}`, { method: "DELETE" });
});
