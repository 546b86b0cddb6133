/**
 * Real old Chromium builds for the old-tablet tests: the npm packages chrome-aws-lambda 1.0.0,
 * 1.9.1, 1.20.4 and 3.1.1 carry headless Chromium 65, 71, 78 and 83, brotli-compressed. The first
 * run fetches each package with `npm pack` (the ordinary npm client, from the registry) and
 * unpacks its binary into a cache directory; later runs reuse it. Playwright cannot drive
 * browsers this old, so each runs with its own DevTools port and is driven over raw CDP
 * (cdp-page.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  chmodSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";

export const OLD_CHROMIUM_VERSIONS = [65, 71, 78, 83] as const;
export type OldChromiumVersion = (typeof OLD_CHROMIUM_VERSIONS)[number];

/** Which chrome-aws-lambda release ships which Chromium, and where inside the package. */
const PACKAGES: Record<OldChromiumVersion, { version: string; binary: string }> = {
  65: { version: "1.0.0", binary: "package/bin/chromium-65.0.3312.0.br" },
  71: { version: "1.9.1", binary: "package/bin/chromium-71.0.3563.0.br" },
  78: { version: "1.20.4", binary: "package/bin/chromium.br" },
  83: { version: "3.1.1", binary: "package/bin/chromium.br" },
};

const LAUNCH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const PROFILE_REMOVE_RETRIES = 20;
const PROFILE_REMOVE_RETRY_MS = 100;

const OLD_CHROMIUM_CACHE =
  process.env.JIOMOSA_OLD_CHROMIUM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "jiomosa", "old-chromium");

/** Path of the unpacked Chromium `version`, fetching and unpacking it on first use. */
export async function oldChromiumPath(version: OldChromiumVersion): Promise<string> {
  const target = join(OLD_CHROMIUM_CACHE, `chromium-${version}`);
  if (existsSync(target)) return target;
  mkdirSync(OLD_CHROMIUM_CACHE, { recursive: true });
  const pkg = PACKAGES[version];
  const tarball = join(OLD_CHROMIUM_CACHE, `chrome-aws-lambda-${pkg.version}.tgz`);
  if (!existsSync(tarball)) {
    const packed = spawnSync("npm", ["pack", `chrome-aws-lambda@${pkg.version}`, "--pack-destination", OLD_CHROMIUM_CACHE, "--silent"], {
      encoding: "utf8",
    });
    if (packed.status !== 0 || !existsSync(tarball)) throw new Error(`npm pack chrome-aws-lambda@${pkg.version} failed: ${packed.stderr}`);
  }
  const work = mkdtempSync(join(OLD_CHROMIUM_CACHE, "unpack-"));
  try {
    const untar = spawnSync("tar", ["-xzf", tarball, "-C", work, pkg.binary], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball}: ${untar.stderr}`);
    const partial = join(work, "chromium");
    await pipeline(createReadStream(join(work, pkg.binary)), createBrotliDecompress(), createWriteStream(partial));
    chmodSync(partial, 0o755);
    // A rename, so an interrupted unpack never leaves a truncated binary under the final name.
    renameSync(partial, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** Removes unpack directories left by an interrupted run. */
export function cleanOldChromiumCache(): void {
  if (!existsSync(OLD_CHROMIUM_CACHE)) return;
  for (const entry of readdirSync(OLD_CHROMIUM_CACHE))
    if (entry.startsWith("unpack-")) rmSync(join(OLD_CHROMIUM_CACHE, entry), { recursive: true, force: true });
}

export interface OldChromium {
  version: OldChromiumVersion;
  /** The DevTools HTTP endpoint, e.g. http://127.0.0.1:PORT */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts Chromium `version` headless with its DevTools endpoint on a free port. */
export async function launchOldChromium(version: OldChromiumVersion, extraArgs: string[] = []): Promise<OldChromium> {
  const binary = await oldChromiumPath(version);
  const profile = mkdtempSync(join(tmpdir(), `jiomosa-chromium-${version}-`));
  const child: ChildProcess = spawn(
    binary,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
      "--allow-loopback-in-peer-connection",
      "--disable-features=WebRtcHideLocalIpsWithMdns",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "--window-size=1024,768",
      ...extraArgs,
      "about:blank",
    ],
    // A process group of its own, so closing it ends its helper processes too (they write the profile).
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Chromium ${version} did not start in ${LAUNCH_TIMEOUT_MS} ms:\n${stderr}`)),
      LAUNCH_TIMEOUT_MS,
    );
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /DevTools listening on ws:\/\/([^/]+)\//.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}`);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium ${version} exited with ${code}:\n${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    version,
    endpoint,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      // Helpers left in its group (zygote, utility processes) would go on writing the profile.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is gone already
      }
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: PROFILE_REMOVE_RETRIES, retryDelay: PROFILE_REMOVE_RETRY_MS });
      } catch (err) {
        // A temporary profile left behind is not a failure of the browser under test; say so and go on.
        process.stderr.write(`old-chromium: could not remove ${profile}: ${(err as Error).message}\n`);
      }
    },
  };
}
