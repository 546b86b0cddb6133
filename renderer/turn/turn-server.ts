/**
 * The owner of a local coturn (`turnserver`) when the appliance runs without Docker: started
 * with the shipped turn/turnserver.conf plus the port, relay range, realm and the shared secret
 * (in a 0600 file, not on the command line), watched, restarted if it dies, stopped on close().
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TurnConfig } from "../config/schema.js";
import { killOnParentExit, stopChild } from "../child-process.js";
import type { Logger } from "../log.js";
import { stunProbe } from "./stun-probe.js";

export const TURNSERVER_PATH = "/usr/bin/turnserver";
const READY_TIMEOUT_MS = 10_000;
const RESTART_DELAY_MS = 2_000;
const STOP_TIMEOUT_MS = 5_000;

export interface TurnServerOptions {
  turn: TurnConfig;
  secret: string;
  /** The shipped coturn config (its deny rules and quotas apply here too). */
  baseConfigPath: string;
  log: Logger;
  binary?: string;
}

export class TurnServer {
  private child: ChildProcess | null = null;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), "jiomosa-turn-"));
  private readonly log: Logger;

  constructor(private readonly options: TurnServerOptions) {
    this.log = options.log.child({ module: "turn" });
  }

  static available(binary = TURNSERVER_PATH): boolean {
    return existsSync(binary);
  }

  private writeConfig(): string {
    const { turn, secret, baseConfigPath } = this.options;
    const base = readFileSync(baseConfigPath, "utf8")
      .split("\n")
      .filter((line) => !/^\s*(listening-port|min-port|max-port|realm|static-auth-secret|log-file|pidfile)\s*=/.test(line));
    const file = join(this.dir, "turnserver.conf");
    const lines = [
      ...base,
      `listening-port=${turn.port}`,
      `min-port=${turn.relayPorts.min}`,
      `max-port=${turn.relayPorts.max}`,
      `realm=${turn.realm}`,
      `static-auth-secret=${secret}`,
      `pidfile=${join(this.dir, "turnserver.pid")}`,
      `userdb=${join(this.dir, "turndb")}`,
      "log-file=stdout",
    ];
    writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
    return file;
  }

  async start(): Promise<void> {
    // Another TURN/STUN server on the port (a system coturn service) would answer our readiness
    // probe while refusing our credentials: say so instead of starting a second one.
    if (await stunProbe("127.0.0.1", this.options.turn.port, 500)) {
      throw new Error(
        `port ${this.options.turn.port} already has a STUN/TURN server (a system coturn service?): ` +
          "stop it (systemctl disable --now coturn), or use it with turn.spawn: never and its secret in TURN_SECRET",
      );
    }
    const config = this.writeConfig();
    this.launch(config);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await stunProbe("127.0.0.1", this.options.turn.port, 500)) {
        this.log.info({ port: this.options.turn.port, relayPorts: this.options.turn.relayPorts }, "turnserver ready");
        return;
      }
      if (!this.child) break;
    }
    throw new Error(`turnserver did not answer on 127.0.0.1:${this.options.turn.port} within ${READY_TIMEOUT_MS} ms (is the port in use?)`);
  }

  private launch(config: string): void {
    // Its own process group: Ctrl-C on `npm start` reaches the renderer, which stops coturn in
    // order, instead of killing both at once. The exit hook covers a renderer that dies abruptly.
    const child = spawn(this.options.binary ?? TURNSERVER_PATH, ["-c", config], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child = child;
    killOnParentExit(child, "SIGTERM");
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        if (/ERROR|error:/.test(line)) this.log.warn({ line: line.trim() }, "turnserver");
        else this.log.debug({ line: line.trim() }, "turnserver");
      }
    };
    child.stdout!.on("data", relay);
    child.stderr!.on("data", relay);
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.closed) return;
      this.log.error({ code, signal }, "turnserver exited; restarting");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.closed) this.launch(config);
      }, RESTART_DELAY_MS);
      this.restartTimer.unref();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.child) await stopChild(this.child, STOP_TIMEOUT_MS);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
