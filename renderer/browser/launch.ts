/**
 * How every Chromium of the appliance is started (the shared browser and each sound session's
 * own): the switches that force all its traffic through the egress proxy, an environment with
 * nothing secret in it, and its sandbox.
 *
 * Sandbox. Chromium's sandbox (user and PID namespaces, seccomp) refuses to start as root, and
 * a root renderer used to launch it with --no-sandbox. Instead, when the renderer runs as root,
 * Chromium is started as the unprivileged system user `jiomosa-chromium` (created by
 * scripts/setup.mjs) through `setpriv`, with its sandbox on. `chromium.sandbox`:
 *   auto      sandbox on; where it cannot work, inside a container Chromium runs without it
 *             (the container is the boundary) with a warning, outside one the start fails
 *             with what to do, unless the renderer is unprivileged (then a warning)
 *   required  sandbox on, or the start fails
 *   off       no sandbox, with a warning at every start
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_USER, chromiumUser, type SystemUser } from "../process/system-user.js";

export type SandboxMode = "auto" | "required" | "off";

const SETPRIV = "/usr/bin/setpriv";

/**
 * What Chromium may inherit from the renderer's environment: nothing else (no TURN_SECRET, PIN,
 * admin token, nor whatever an operator's shell exported). Sound sessions add PULSE_* themselves.
 */
const ENV_ALLOWED = [
  /^PATH$/,
  /^HOME$/,
  /^USER$/,
  /^LOGNAME$/,
  /^LANG$/,
  /^LANGUAGE$/,
  /^LC_[A-Z_]+$/,
  /^TZ$/,
  /^TMPDIR$/,
  /^DISPLAY$/,
  /^XDG_[A-Z_]+$/,
  /^FONTCONFIG_[A-Z_]+$/,
];

function chromiumEnv(source: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && ENV_ALLOWED.some((re) => re.test(key))) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Docker, Podman and most OCI runtimes leave one of these behind. */
export function inContainer(): boolean {
  if (existsSync("/.dockerenv") || existsSync("/run/.containerenv")) return true;
  try {
    return /\b(docker|containerd|kubepods|libpod|lxc)\b/.test(readFileSync("/proc/1/cgroup", "utf8"));
  } catch {
    return false;
  }
}

/** How one launch is done: which executable, with or without the sandbox, with what environment. */
export interface LaunchPlan {
  executablePath: string;
  sandbox: boolean;
  env: Record<string, string>;
  /** Said once at start-up when the sandbox is off. */
  warning: string | null;
}

export class SandboxError extends Error {}

/**
 * Decides how Chromium starts. As root with the sandbox wanted, the executable becomes a small
 * wrapper that hands Playwright's fresh profile directory to the Chromium user and drops to it.
 */
export function planLaunch(options: { executablePath: string; mode: SandboxMode; extraEnv?: Record<string, string> }): LaunchPlan {
  const env = chromiumEnv(process.env, options.extraEnv);
  const isRoot = process.getuid?.() === 0;
  if (options.mode === "off") {
    return {
      executablePath: options.executablePath,
      sandbox: false,
      env,
      warning: "Chromium runs without its sandbox (chromium.sandbox: off)",
    };
  }
  if (!isRoot) return { executablePath: options.executablePath, sandbox: true, env, warning: null };
  const user = chromiumUser();
  if (user && existsSync(SETPRIV)) {
    return {
      executablePath: wrapperFor(options.executablePath, user),
      sandbox: true,
      env: { ...env, HOME: user.home, USER: CHROMIUM_USER, LOGNAME: CHROMIUM_USER },
      warning: null,
    };
  }
  const why = user
    ? `${SETPRIV} is missing (Debian package util-linux)`
    : `the system user ${CHROMIUM_USER} does not exist (scripts/setup.mjs creates it)`;
  if (options.mode === "auto" && inContainer()) {
    return {
      executablePath: options.executablePath,
      sandbox: false,
      env,
      warning: `Chromium runs as root without its sandbox inside this container: ${why}`,
    };
  }
  throw new SandboxError(
    `refusing to run Chromium as root without its sandbox: ${why}.\n` +
      `  Run \`node scripts/setup.mjs start\` as root (or \`npm start\`), run the appliance as an unprivileged user,\n` +
      "  or set `chromium.sandbox: off` in the config to run it without the sandbox anyway.",
  );
}

/** Whether a failed launch was the sandbox's doing (then `auto` may retry without it). */
export function isSandboxFailure(message: string): boolean {
  return /sandbox|namespace|No usable sandbox|clone|zygote/i.test(message);
}

const wrappers = new Map<string, string>();

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The wrapper script, written once per run into a directory only root can read. */
function wrapperFor(executablePath: string, user: SystemUser): string {
  const cached = wrappers.get(executablePath);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-chromium-"));
  const path = join(dir, "chromium");
  writeFileSync(
    path,
    [
      "#!/bin/sh",
      "# Started by the Jiomosa renderer (root): Chromium runs as an unprivileged user, sandbox on.",
      "set -e",
      'for arg in "$@"; do',
      '  case "$arg" in --user-data-dir=*) chown -R ' + `${user.uid}:${user.gid}` + ' "${arg#--user-data-dir=}" ;; esac',
      "done",
      `exec ${SETPRIV} --reuid=${user.uid} --regid=${user.gid} --clear-groups --inh-caps=-all --bounding-set=-all ${shellQuote(executablePath)} "$@"`,
      "",
    ].join("\n"),
    { mode: 0o700 },
  );
  wrappers.set(executablePath, path);
  return path;
}
