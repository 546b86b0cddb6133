/**
 * The appliance's own PulseAudio daemon (Debian's `pulseaudio`): no sound card, no host audio,
 * no D-Bus. It listens on a socket in a private runtime directory, so it never meets a desktop's
 * PulseAudio on the same box, and holds one null sink per session with sound. Watched and
 * restarted if it dies; the session layer then sets up every sound session again.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { killOnParentExit, stopChild } from "../child-process.js";
import { chromiumUser } from "../browser/launch.js";
import type { Logger } from "../log.js";

const run = promisify(execFile);

export const PULSEAUDIO_PATH = "/usr/bin/pulseaudio";
export const PACTL_PATH = "/usr/bin/pactl";
/** What the capture asks for and WebRTC's audio path takes without resampling. */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 1;
const READY_TIMEOUT_MS = 10_000;
const RESTART_FIRST_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;
const PACTL_TIMEOUT_MS = 5_000;

/** Debian's packages: the daemon, and pactl/parec from the utilities. */
export const INSTALL_HINT = "install Debian's pulseaudio and pulseaudio-utils (apt-get install pulseaudio pulseaudio-utils; `npm start` does it as root)";

export interface PulseServerOptions {
  log: Logger;
  binary?: string;
}

/**
 * The socket's directory: only the renderer, and the group of the unprivileged user a root
 * renderer runs Chromium as (it must reach the socket to play into its sink).
 */
function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-pulse-"));
  const user = process.getuid?.() === 0 ? chromiumUser() : null;
  if (user) {
    chownSync(dir, 0, user.gid);
    chmodSync(dir, 0o750);
  }
  return dir;
}

export class PulseServer {
  private child: ChildProcess | null = null;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelay = RESTART_FIRST_DELAY_MS;
  private readonly dir = privateDir();
  private readonly socket = join(this.dir, "native");
  private readonly log: Logger;
  /** Told after the daemon came back from a crash: every sink is gone and must be made again. */
  onRestart: (() => void) | null = null;

  constructor(private readonly options: PulseServerOptions) {
    this.log = options.log.child({ module: "pulseaudio" });
  }

  /** Variables that point a client (Chromium, parec, pactl) at this daemon. */
  clientEnv(): Record<string, string> {
    return { PULSE_SERVER: `unix:${this.socket}` };
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    const script = join(this.dir, "default.pa");
    writeFileSync(
      script,
      [
        `load-module module-native-protocol-unix auth-anonymous=1 socket=${this.socket}`,
        // Where a client without PULSE_SINK ends up: nowhere.
        `load-module module-null-sink sink_name=jiomosa_discard rate=${SAMPLE_RATE} channels=${CHANNELS}`,
        "set-default-sink jiomosa_discard",
        "",
      ].join("\n"),
    );
    await this.launch(script);
  }

  private async launch(script: string): Promise<void> {
    const args = ["-n", "-F", script, "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=false", "--log-target=stderr", "--log-level=error"];
    // HOME and XDG dirs inside the private directory: no cookie or state files in the real home.
    const env = { ...process.env, HOME: this.dir, XDG_RUNTIME_DIR: this.dir, XDG_CONFIG_HOME: this.dir, XDG_STATE_HOME: this.dir };
    const child = spawn(this.options.binary ?? PULSEAUDIO_PATH, args, { stdio: ["ignore", "ignore", "pipe"], env, detached: true });
    this.child = child;
    killOnParentExit(child, "SIGKILL");
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-2000);
      for (const line of text.split("\n")) if (line.trim() && !/not intended to be run as root/.test(line)) this.log.warn({ line: line.trim() }, "pulseaudio");
    });
    const spawnError = new Promise<never>((_, reject) => child.once("error", (err) => reject(new Error(`could not run ${PULSEAUDIO_PATH}: ${err.message}; ${INSTALL_HINT}`))));
    spawnError.catch(() => {});
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.closed) return;
      this.log.error({ code, signal, stderr: stderr.trim().slice(-300) }, "pulseaudio exited; restarting");
      this.scheduleRestart(script);
    });
    await Promise.race([this.waitReady(child, () => stderr), spawnError]);
    this.restartDelay = RESTART_FIRST_DELAY_MS;
    this.log.info({ socket: this.socket }, "pulseaudio ready");
  }

  private scheduleRestart(script: string): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(delay * 2, RESTART_MAX_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed) return;
      this.launch(script).then(
        () => this.onRestart?.(),
        (err: unknown) => this.log.error({ err: String(err) }, "pulseaudio did not come back"),
      );
    }, delay);
    this.restartTimer.unref();
  }

  private async waitReady(child: ChildProcess, stderr: () => string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`pulseaudio exited at start: ${stderr().trim().split("\n").pop() ?? "no message"}`);
      }
      if (await this.pactl(["info"]).then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`pulseaudio did not answer on ${this.socket} within ${READY_TIMEOUT_MS} ms`);
  }

  /** Runs pactl against this daemon; resolves with its output. */
  async pactl(args: string[]): Promise<string> {
    const { stdout } = await run(PACTL_PATH, args, { env: { ...process.env, ...this.clientEnv() }, timeout: PACTL_TIMEOUT_MS });
    return stdout;
  }

  /** A null sink for one session; returns the module index that removes it again. */
  async createSink(name: string): Promise<number> {
    const out = await this.pactl(["load-module", "module-null-sink", `sink_name=${name}`, `rate=${SAMPLE_RATE}`, `channels=${CHANNELS}`, "format=s16le"]);
    const index = Number.parseInt(out.trim(), 10);
    if (!Number.isInteger(index)) throw new Error(`pactl load-module answered ${JSON.stringify(out.trim())}`);
    return index;
  }

  async removeSink(moduleIndex: number): Promise<void> {
    await this.pactl(["unload-module", String(moduleIndex)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.child) await stopChild(this.child, STOP_TIMEOUT_MS);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
