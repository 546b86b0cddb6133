/**
 * One compose project of the appliance for a test: a clean copy of the repository (tracked and
 * new files, nothing git ignores: no .env, node_modules or dist), driven with the compose command
 * the engine has, under its own project name, with none of the overrides of this shell.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../support/paths.js";
import { pollUntil } from "../support/wait.js";
import { run, type RunResult } from "./shell.js";

/** Variables compose.yaml reads: a fresh checkout has none of them set. */
const OVERRIDES = ["TURN_SECRET", "EXTERNAL_IP", "PORT", "NODE_IMAGE", "COTURN_IMAGE", "TURN_SECRET_FILE"];

export async function cleanCopy(): Promise<string> {
  const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT });
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-compose-"));
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const source = join(REPO_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the work tree, not yet in git
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(source, join(dir, file));
    chmodSync(join(dir, file), statSync(source).mode & 0o777);
  }
  return dir;
}

export type Health = "starting" | "healthy" | "unhealthy" | "none" | "missing";

export class ComposeStack {
  /** One fixed name: a rerun replaces the same image tag and reuses its build cache. */
  readonly project = "jiomosa-docker-test";
  constructor(
    readonly dir: string,
    private readonly command: string[],
    /** Extra environment (only a free PORT when 8000 is taken on this machine). */
    private readonly env: Record<string, string> = {},
  ) {}

  /** Container ids by service; `up`, `down` and `rm` may replace containers, so they forget them. */
  private readonly ids = new Map<string, string>();

  compose(args: string[], options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<RunResult> {
    if (["up", "down", "rm"].includes(args[0] ?? "")) this.ids.clear();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env };
    for (const name of OVERRIDES) if (!(name in this.env)) delete env[name];
    return run(this.command[0], [...this.command.slice(1), "-p", this.project, ...args], {
      cwd: this.dir,
      env,
      timeoutMs: options.timeoutMs ?? 120_000,
      allowFailure: options.allowFailure ?? false,
    });
  }

  async containerId(service: string): Promise<string> {
    const known = this.ids.get(service);
    if (known) return known;
    const id = (await this.compose(["ps", "-q", service])).stdout.trim();
    if (!id) throw new Error(`no container for ${service}`);
    this.ids.set(service, id);
    return id;
  }

  async inspect(service: string, format: string): Promise<string> {
    return (await run("docker", ["inspect", "--format", format, await this.containerId(service)])).stdout.trim();
  }

  /** Asks the engine directly (compose itself takes a second to start on a busy box). */
  async health(service: string): Promise<Health> {
    const id = await this.containerId(service).catch(() => "");
    if (!id) return "missing";
    const result = await run("docker", ["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id], {
      allowFailure: true,
    });
    if (result.code !== 0) this.ids.delete(service);
    return (result.stdout.trim() || "missing") as Health;
  }

  async waitHealthy(services: string[], timeoutMs: number): Promise<void> {
    const ok = await pollUntil(
      async () => (await Promise.all(services.map((s) => this.health(s)))).every((h) => h === "healthy"),
      timeoutMs,
      250,
    );
    if (!ok) {
      const states = await Promise.all(services.map(async (s) => `${s}: ${await this.health(s)}`));
      const logs = (await this.compose(["logs", "--no-color", "--tail", "40"], { allowFailure: true })).stdout;
      throw new Error(`not healthy after ${timeoutMs} ms (${states.join(", ")}):\n${logs}`);
    }
  }

  async logs(service: string): Promise<string> {
    const result = await this.compose(["logs", "--no-color", service]);
    return result.stdout + result.stderr;
  }

  /** What the project left behind: containers, volumes and networks labelled with its name. */
  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.compose.project=${this.project}`;
    const kinds: Array<[string, string[]]> = [
      ["container", ["ps", "-a", "-q", "--filter", label]],
      ["volume", ["volume", "ls", "-q", "--filter", label]],
      ["network", ["network", "ls", "-q", "--filter", label]],
    ];
    const found: string[] = [];
    for (const [kind, args] of kinds) {
      for (const id of (await run("docker", args)).stdout.split("\n").filter(Boolean)) found.push(`${kind} ${id}`);
    }
    return found;
  }
}
