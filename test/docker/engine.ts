/**
 * A Docker engine for the Docker tests and `bench --docker`: the one already running when there
 * is one; otherwise, as root on Debian, Debian's own docker.io (engine), docker-compose (1.29)
 * and debootstrap (for stand-in base images) are installed when missing and dockerd is started
 * with host networking only (no bridge, no iptables rules), then stopped again afterwards.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollUntil } from "../support/wait.js";
import { hasCommand, run } from "./shell.js";

const DEBIAN_PACKAGES: Record<string, string> = { dockerd: "docker.io", "docker-compose": "docker-compose", debootstrap: "debootstrap" };
const ENGINE_START_TIMEOUT_MS = 60_000;
const ENGINE_STOP_TIMEOUT_MS = 30_000;
const INFO_TIMEOUT_MS = 15_000;

export class EngineUnavailable extends Error {}

export interface Engine {
  /** True when this process started dockerd (and so stops it). */
  startedHere: boolean;
  /** The compose command: `docker compose` (v2) when present, else Debian's `docker-compose`. */
  compose: string[];
  stop(): Promise<void>;
}

/** Why no engine answers, or null when one does. */
export async function engineProblem(): Promise<string | null> {
  if (!(await hasCommand("docker"))) return "the docker command is not installed";
  const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"], { allowFailure: true, timeoutMs: INFO_TIMEOUT_MS });
  if (info.code === 0) return null;
  return (info.stderr.trim().split("\n").pop() ?? `docker info exited with ${info.code}`).slice(0, 200);
}

async function installMissing(log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(DEBIAN_PACKAGES)) if (!(await hasCommand(command))) missing.push(pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new EngineUnavailable(`${missing.join(", ")} missing and this is not root on Debian: apt-get install ${missing.join(" ")}`);
  }
  log(`installing ${missing.join(" ")} (Debian packages)`);
  await run("apt-get", ["update", "-qq"], { timeoutMs: 10 * 60_000 });
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeoutMs: 15 * 60_000,
  });
}

async function composeCommand(): Promise<string[]> {
  const forced = process.env.JIOMOSA_COMPOSE;
  if (forced) return forced.split(/\s+/);
  const v2 = await run("docker", ["compose", "version"], { allowFailure: true });
  if (v2.code === 0) return ["docker", "compose"];
  if (await hasCommand("docker-compose")) return ["docker-compose"];
  throw new EngineUnavailable("neither `docker compose` nor `docker-compose` is installed");
}

/** An engine that answers, started here if need be. Throws EngineUnavailable with the reason. */
export async function ensureEngine(log: (line: string) => void): Promise<Engine> {
  await installMissing(log);
  const problem = await engineProblem();
  if (problem === null) return { startedHere: false, compose: await composeCommand(), stop: async () => {} };
  if (process.getuid?.() !== 0) throw new EngineUnavailable(`no Docker engine answers (${problem}) and only root can start one`);

  const dir = mkdtempSync(join(tmpdir(), "jiomosa-dockerd-"));
  const logFile = join(dir, "dockerd.log");
  const out = openSync(logFile, "a");
  log(`starting dockerd --bridge=none --iptables=false --ip6tables=false (log: ${logFile})`);
  const dockerd = spawn("dockerd", ["--bridge=none", "--iptables=false", "--ip6tables=false", "--pidfile", join(dir, "dockerd.pid")], {
    stdio: ["ignore", out, out],
    detached: true,
  });
  closeSync(out);
  let exited = false;
  dockerd.once("exit", () => (exited = true));
  const up = await pollUntil(async () => exited || (await engineProblem()) === null, ENGINE_START_TIMEOUT_MS, 500);
  if (!up || exited) {
    dockerd.kill("SIGKILL");
    throw new EngineUnavailable(`dockerd did not start: ${readFileSync(logFile, "utf8").split("\n").slice(-5).join(" | ")}`);
  }
  return {
    startedHere: true,
    compose: await composeCommand(),
    async stop() {
      if (exited) return;
      log("stopping the dockerd started for the tests");
      dockerd.kill("SIGTERM");
      if (!(await pollUntil(() => exited, ENGINE_STOP_TIMEOUT_MS, 200))) dockerd.kill("SIGKILL");
    },
  };
}
