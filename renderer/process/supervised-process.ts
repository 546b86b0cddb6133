/**
 * One helper process the renderer owns (coturn, PulseAudio, parec): spawned, its output sent to
 * the owner's logger, killed if the renderer exits without stopping it, restarted with back-off
 * while it keeps dying, and stopped in order on close().
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Logger } from "../log.js";
import type { Backoff } from "./backoff.js";

/** How much of the child's stderr is kept to say why it died. */
const STDERR_TAIL_CHARS = 2_000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it wrote to stderr. */
  stderr: string;
  /** When it is started again, or null when it is not (closed). */
  restartInMs: number | null;
}

export interface SupervisedProcessOptions {
  /** Names the process in log lines. */
  name: string;
  command: string;
  /** Read at each (re)start. */
  args: () => string[];
  env?: NodeJS.ProcessEnv;
  /** Its own process group: Ctrl-C reaches the renderer, which stops the child in order. */
  detached?: boolean;
  log: Logger;
  backoff: Backoff;
  /** Sent if the renderer exits (a crash, process.exit) while the child runs. */
  parentExitSignal: NodeJS.Signals;
  /** How long close() waits after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** Raw stdout; without it stdout goes to `onLine` as text. */
  onStdout?: (chunk: Buffer) => void;
  /** Each line the child writes; by default logged at debug. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Each spawn, the first and every restart. */
  onSpawn?: (child: ChildProcess, restart: boolean) => void;
  /** Each exit while not closed; a restart follows after `restartInMs`. */
  onExit?: (exit: ProcessExit) => void;
}

export class SupervisedProcess {
  private current: ChildProcess | null = null;
  private started = false;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SupervisedProcessOptions) {}

  get child(): ChildProcess | null {
    return this.current;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** Spawns the process; a second call, or one after close(), does nothing. */
  start(): ChildProcess | null {
    if (this.started || this.closed) return this.current;
    this.started = true;
    return this.launch(false);
  }

  private launch(restart: boolean): ChildProcess {
    const { options } = this;
    const child = spawn(options.command, options.args(), {
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
      detached: options.detached ?? false,
    });
    this.current = child;
    options.backoff.started();
    killOnParentExit(child, options.parentExitSignal);
    let stderr = "";
    const onLine = options.onLine ?? ((line: string) => options.log.debug({ line }, options.name));
    const lines = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) onLine(line.trim(), stream);
    };
    child.stdout.on("data", options.onStdout ?? lines("stdout"));
    const stderrLines = lines("stderr");
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
      stderrLines(chunk);
    });
    child.once("error", (err) => options.log.error({ err: err.message }, `could not run ${options.command}`));
    // "close", not "exit": every byte it wrote has been read by then.
    child.once("close", (code, signal) => {
      if (this.current === child) this.current = null;
      if (this.closed) return;
      const restartInMs = options.backoff.failed();
      options.onExit?.({ code, signal, stderr: stderr.trim(), restartInMs });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.closed) this.launch(true);
      }, restartInMs);
      this.restartTimer.unref();
    });
    options.onSpawn?.(child, restart);
    return child;
  }

  /** Stops restarts and the running child; safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.current;
    if (!child) return;
    await stopChild(child, this.options.stopGraceMs);
    // Its "close" (streams drained) can come after "exit"; it is not running from "exit" on.
    if (this.current === child) this.current = null;
  }
}

/** Asks the process to stop and waits for it; kills it if it is still there after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills the child if the renderer exits without stopping it (a crash, process.exit). */
function killOnParentExit(child: ChildProcess, signal: NodeJS.Signals): void {
  const kill = () => child.kill(signal);
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
}
