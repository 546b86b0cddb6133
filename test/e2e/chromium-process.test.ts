/**
 * What a page that breaks out of its renderer process would find: every Chromium process of
 * the appliance (the shared browser and a sound session's own) runs with an environment free of
 * the renderer's secrets, and sandboxed (as an unprivileged user when the renderer is root).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig, toneKiosk } from "../support/config.js";
import { chromiumBrowserPids, commandLine, descendants } from "../support/proc.js";
import { waitFor } from "../support/wait.js";

const SECRETS = {
  TURN_SECRET: "turn-secret-must-not-leak-7f3a9c",
  JIOMOSA_PIN: "pin-must-not-leak-482913",
  JIOMOSA_ADMIN_TOKEN: "admin-token-must-not-leak-c0ffee",
  SOME_API_KEY: "operator-shell-secret-must-not-leak-1234",
};

let cookie = "";

const app = useAppliance({
  config: (origin) => testConfig(origin, { extraKiosks: toneKiosk(origin) }),
  env: SECRETS,
  setUp: async ({ renderer }) => {
    const res = await fetch(`${renderer.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: renderer.url },
      body: new URLSearchParams({ pin: SECRETS.JIOMOSA_PIN, next: "/" }).toString(),
      redirect: "manual",
    });
    cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
    assert.ok(cookie, `the PIN opened the appliance (login answered ${res.status})`);
  },
});

function environ(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return "";
  }
}

function chromiumProcesses(): number[] {
  return descendants(app.renderer.child.pid!).filter((pid) => /chrom/.test(commandLine(pid).split(" ")[0] ?? ""));
}

test("no Chromium process of the appliance holds a secret of the renderer's environment, a sound session's included", async () => {
  const res = await fetch(`${app.renderer.url}/api/session/create`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: app.renderer.url },
    body: JSON.stringify({ kiosk: "tone" }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  await waitFor(() => chromiumBrowserPids(app.renderer.child.pid!).length >= 2, "the shared browser and the sound session's own", 30_000);
  const soundBrowsers = chromiumBrowserPids(app.renderer.child.pid!).filter((pid) => environ(pid).includes("PULSE_SINK="));
  assert.equal(soundBrowsers.length, 1, "the sound session's browser (it has its sink in its environment)");
  const processes = chromiumProcesses();
  assert.ok(processes.length >= 4, `Chromium processes found: ${processes.length}`);
  for (const pid of processes) {
    const env = environ(pid);
    if (!env) continue; // a sandboxed child that exited meanwhile
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(!env.includes(`${name}=`) && !env.includes(value), `${name} in the environment of ${commandLine(pid).slice(0, 120)}`);
    }
    assert.ok(!env.includes("JIOMOSA_CONFIG="), "nor the renderer's own settings");
  }
});

test("every Chromium runs sandboxed, as an unprivileged user when the renderer is root", () => {
  const processes = chromiumProcesses();
  assert.ok(processes.length > 0);
  for (const pid of processes) {
    const cmd = commandLine(pid);
    if (!cmd) continue;
    assert.ok(!cmd.includes("--no-sandbox"), `--no-sandbox on ${cmd.slice(0, 160)}`);
    if (process.getuid?.() === 0) {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      assert.notEqual(uid, 0, `a Chromium process runs as root: ${cmd.slice(0, 160)}`);
    }
  }
});
