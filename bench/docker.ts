/**
 * `npm run bench -- --docker`: the renderer as its image runs it (the compose service's
 * settings: host network, read-only root, tmpfs HOME and /tmp, 1 GB /dev/shm, no capabilities,
 * the unprivileged user), measured beside the native renderer in the same run. The engine and
 * base images come from the Docker tests' helpers; the image is built from this checkout.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBaseImages } from "../test/docker/base-images.js";
import { type Engine, ensureEngine } from "../test/docker/engine.js";
import { run } from "../test/docker/shell.js";
import { REPO_ROOT } from "../test/support/paths.js";
import { freePort } from "../test/support/turn.js";
import { pollUntil } from "../test/support/wait.js";

const IMAGE = "jiomosa-renderer:bench";
const HEALTHY_TIMEOUT_MS = 90_000;

export interface ContainerRenderer {
  url: string;
  /** The container's init process as this machine sees it: the root of the renderer's process tree. */
  pid: number;
  chromiumVersion: string;
  stop(): Promise<void>;
}

const log = (line: string) => process.stderr.write(`[bench --docker] ${line}\n`);

export async function startContainerRenderer(configYaml: (port: number) => string): Promise<ContainerRenderer> {
  const engine: Engine = await ensureEngine(log);
  for (const note of (await ensureBaseImages(log)).notes) log(note);
  log(`building ${IMAGE} from this checkout`);
  await run("docker", ["build", "--network", "host", "-t", IMAGE, REPO_ROOT], { timeoutMs: 20 * 60_000 });
  const port = await freePort();
  const configDir = mkdtempSync(join(tmpdir(), "jiomosa-bench-docker-"));
  writeFileSync(join(configDir, "kiosk.yaml"), configYaml(port), { mode: 0o644 });
  // The container's unprivileged user reads it (mkdtemp makes the folder private to root).
  chmodSync(configDir, 0o755);
  const name = `jiomosa-bench-${process.pid}`;
  await run("docker", [
    "run",
    "-d",
    "--name",
    name,
    "--network",
    "host",
    "--read-only",
    "--tmpfs",
    "/tmp:mode=1777",
    "--tmpfs",
    "/home/node:uid=1000,gid=1000,mode=0700",
    "--shm-size",
    "1g",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges:true",
    "-v",
    `${configDir}:/app/config:ro`,
    "-e",
    `PORT=${port}`,
    "-e",
    "LOG_LEVEL=warn",
    "-e",
    "TURN_SECRET_FILE=/tmp/turn-secret",
    IMAGE,
  ]);
  const url = `http://127.0.0.1:${port}`;
  const up = await pollUntil(async () => (await fetch(`${url}/health`).catch(() => null))?.ok === true, HEALTHY_TIMEOUT_MS, 250);
  if (!up) {
    const logs = await run("docker", ["logs", name], { allowFailure: true });
    await run("docker", ["rm", "-f", name], { allowFailure: true });
    throw new Error(`the container renderer did not become healthy:\n${logs.stdout}${logs.stderr}`);
  }
  const pid = Number((await run("docker", ["inspect", "--format", "{{.State.Pid}}", name])).stdout.trim());
  const chromiumVersion = (await run("docker", ["exec", name, "chromium", "--version"], { allowFailure: true })).stdout.trim();
  return {
    url,
    pid,
    chromiumVersion,
    async stop() {
      await run("docker", ["stop", "-t", "20", name], { allowFailure: true });
      await run("docker", ["rm", "-f", name], { allowFailure: true });
      await engine.stop();
    },
  };
}
