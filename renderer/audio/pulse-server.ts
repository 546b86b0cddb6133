/**
 * The appliance's own PulseAudio daemon (Debian's `pulseaudio`): no sound card, no host audio,
 * no D-Bus. It listens on a socket in a private runtime directory, so it never meets a desktop's
 * PulseAudio on the same box, and holds one null sink per session with sound. Watched and
 * restarted if it dies; the session layer then sets up every sound session again.
 */
import { type ChildProcess, execFile } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromiumUser } from "../process/system-user.js";
import type { Logger } from "../log.js";
import { Backoff } from "../process/backoff.js";
import { SupervisedProcess } from "../process/supervised-process.js";

const run = promisify(execFile);

const PULSEAUDIO_PATH = "/usr/bin/pulseaudio";
const PACTL_PATH = "/usr/bin/pactl";
/** What the capture asks for and WebRTC's audio path takes without resampling. */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 1;
const READY_TIMEOUT_MS = 10_000;
const RESTART_FIRST_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 10_000;
/** The delay is also reset each time the daemon answers again, as it always was. */
const HEALTHY_AFTER_MS = 60_000;
const STOP_TIMEOUT_MS = 3_000;
const PACTL_TIMEOUT_MS = 5_000;

/** Debian's packages: the daemon, and pactl/parec from the utilities. */
const INSTALL_HINT =
  "install Debian's pulseaudio and pulseaudio-utils (apt-get install pulseaudio pulseaudio-utils; `npm start` does it as root)";

export interface PulseServerOptions {
  log: Logger;
  binary?: string;
  /** Told after the daemon came back from a crash: every sink is gone and must be made again. */
  onRestart?: () => void;
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
  private closed = false;
  private readonly dir = privateDir();
  private readonly socket = join(this.dir, "native");
  private readonly script = join(this.dir, "default.pa");
  private readonly log: Logger;
  private readonly backoff = new Backoff({
    initialMs: RESTART_FIRST_DELAY_MS,
    factor: 2,
    maxMs: RESTART_MAX_DELAY_MS,
    stableAfterMs: HEALTHY_AFTER_MS,
  });
  private readonly daemon: SupervisedProcess;
  private lastStderrLine = "";

  constructor(private readonly options: PulseServerOptions) {
    this.log = options.log.child({ module: "pulseaudio" });
    const binary = options.binary ?? PULSEAUDIO_PATH;
    this.daemon = new SupervisedProcess({
      name: "pulseaudio",
      command: binary,
      args: () => [
        "-n",
        "-F",
        this.script,
        "--daemonize=no",
        "--exit-idle-time=-1",
        "--use-pid-file=false",
        "--log-target=stderr",
        "--log-level=error",
      ],
      // HOME and XDG dirs inside the private directory: no cookie or state files in the real home.
      env: { ...process.env, HOME: this.dir, XDG_RUNTIME_DIR: this.dir, XDG_CONFIG_HOME: this.dir, XDG_STATE_HOME: this.dir },
      detached: true,
      log: this.log,
      backoff: this.backoff,
      parentExitSignal: "SIGKILL",
      stopGraceMs: STOP_TIMEOUT_MS,
      onLine: (line, stream) => {
        if (stream === "stdout") return this.log.debug({ line }, "pulseaudio");
        this.lastStderrLine = line;
        if (!/not intended to be run as root/.test(line)) this.log.warn({ line }, "pulseaudio");
      },
      onExit: ({ code, signal, stderr }) => this.log.error({ code, signal, stderr: stderr.slice(-300) }, "pulseaudio exited; restarting"),
      onSpawn: (child, restart) => {
        if (!restart) return;
        this.whenReady(child).then(
          () => this.options.onRestart?.(),
          (err: unknown) => this.log.error({ err: String(err) }, "pulseaudio did not come back"),
        );
      },
    });
  }

  /** Variables that point a client (Chromium, parec, pactl) at this daemon. */
  clientEnv(): Record<string, string> {
    return { PULSE_SERVER: `unix:${this.socket}` };
  }

  get running(): boolean {
    return this.daemon.running;
  }

  async start(): Promise<void> {
    writeFileSync(
      this.script,
      [
        `load-module module-native-protocol-unix auth-anonymous=1 socket=${this.socket}`,
        // Where a client without PULSE_SINK ends up: nowhere.
        `load-module module-null-sink sink_name=jiomosa_discard rate=${SAMPLE_RATE} channels=${CHANNELS}`,
        "set-default-sink jiomosa_discard",
        "",
      ].join("\n"),
    );
    const child = this.daemon.start();
    if (!child) throw new Error("pulseaudio was closed before it started");
    await this.whenReady(child);
  }

  private async whenReady(child: ChildProcess): Promise<void> {
    const spawnError = new Promise<never>((_, reject) =>
      child.once("error", (err) => reject(new Error(`could not run ${PULSEAUDIO_PATH}: ${err.message}; ${INSTALL_HINT}`))),
    );
    spawnError.catch(() => {});
    await Promise.race([this.waitReady(child), spawnError]);
    this.backoff.reset();
    this.log.info({ socket: this.socket }, "pulseaudio ready");
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`pulseaudio exited at start: ${this.lastStderrLine || "no message"}`);
      }
      if (
        await this.pactl(["info"]).then(
          () => true,
          () => false,
        )
      )
        return;
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
    const out = await this.pactl([
      "load-module",
      "module-null-sink",
      `sink_name=${name}`,
      `rate=${SAMPLE_RATE}`,
      `channels=${CHANNELS}`,
      "format=s16le",
    ]);
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
    await this.daemon.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
