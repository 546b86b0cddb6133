#!/usr/bin/env node
/**
 * Makes the machine ready for `npm start` or `npm test`, idempotently and quickly when already
 * done: Debian packages (Chromium, fonts, coturn, PulseAudio), `npm ci` when the lockfile changed, and a
 * build when a source is newer than the last build. Uses only Node built-ins: it runs before
 * node_modules exists. Set JIOMOSA_SKIP_SETUP=1 to skip it (the container image does).
 *
 *   node scripts/setup.mjs start|test
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const purpose = process.argv[2] === "test" ? "test" : "start";

/** Debian packages each purpose needs, with a file that proves each is installed. */
const PACKAGES = {
  start: [
    ["chromium", "/usr/bin/chromium"],
    // Begin-frame capture (video.capture: beginframe, or auto when it is there): same version as chromium.
    ["chromium-headless-shell", "/usr/bin/chromium-headless-shell"],
    ["fonts-liberation", "/usr/share/fonts/truetype/liberation"],
    ["fonts-noto-cjk", "/usr/share/fonts/opentype/noto"],
    ["fonts-noto-color-emoji", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"],
    ["coturn", "/usr/bin/turnserver"],
    // Page sound: the appliance's own sound server (no sound card needed), pactl and parec.
    ["pulseaudio", "/usr/bin/pulseaudio"],
    ["pulseaudio-utils", "/usr/bin/parec"],
  ],
};
PACKAGES.test = [...PACKAGES.start];

function say(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[setup] ${message}\n`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (result.error) fail(`${cmd} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${cmd} ${args.join(" ")} failed with exit code ${result.status}`);
}

function ensureDebianPackages() {
  const missing = PACKAGES[purpose].filter(([, proof]) => !existsSync(proof)).map(([name]) => name);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (!existsSync("/usr/bin/apt-get")) {
    fail(`missing system packages: ${missing.join(", ")}. This is not a Debian system; install the equivalents by hand.`);
  }
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${missing.join(", ")}. Install them as root:\n  sudo sh -c '${command}'\nthen run this command again.`);
  }
  say(`installing Debian packages: ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], { env });
  run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
  // Debian starts a system-wide coturn on install; the appliance runs its own on the same port.
  if (missing.includes("coturn") && existsSync("/run/systemd/system")) {
    say("disabling the system coturn service (the appliance starts its own turnserver)");
    spawnSync("systemctl", ["disable", "--now", "coturn"], { stdio: "inherit" });
  }
}

function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const stamp = join(root, "node_modules", ".jiomosa-lock-hash");
  const hash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  say("installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  writeFileSync(stamp, hash);
}

/** Newest modification time below `path` (files only), skipping nothing but dot-files. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function ensureBuild() {
  const stamp = join(root, "dist", ".build-stamp");
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const inputs = ["protocol", "renderer", "viewer", "test", "bench", "scripts", "tsconfig.json", "package-lock.json"];
  const newest = Math.max(...inputs.map((p) => newestMtime(join(root, p))));
  if (built >= newest) return;
  say("building (npm run build)");
  run("npm", ["run", "--silent", "build"]);
}

/**
 * Chromium's sandbox does not start as root. A root renderer starts Chromium as this
 * unprivileged system user instead (renderer/browser/launch.ts), with the sandbox on.
 */
const CHROMIUM_USER = "jiomosa-chromium";

function ensureChromiumUser() {
  if (process.getuid?.() !== 0) return;
  const passwd = existsSync("/etc/passwd") ? readFileSync("/etc/passwd", "utf8") : "";
  if (passwd.split("\n").some((line) => line.startsWith(`${CHROMIUM_USER}:`))) return;
  if (!existsSync("/usr/sbin/useradd")) {
    say(`no useradd here: create a system user ${CHROMIUM_USER} by hand, or set chromium.sandbox: off`);
    return;
  }
  say(`creating the system user ${CHROMIUM_USER} (Chromium runs as it, sandboxed)`);
  run("/usr/sbin/useradd", [
    "--system",
    "--user-group",
    "--home-dir",
    `/var/lib/${CHROMIUM_USER}`,
    "--create-home",
    "--shell",
    "/usr/sbin/nologin",
    CHROMIUM_USER,
  ]);
}

if (process.env.JIOMOSA_SKIP_SETUP === "1") process.exit(0);
const major = Number(process.versions.node.split(".")[0]);
if (major < 20) fail(`Node.js 20 or newer is required; this is ${process.version}`);
ensureDebianPackages();
ensureChromiumUser();
ensureNodeModules();
ensureBuild();
