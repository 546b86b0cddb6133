/**
 * The owner of a local coturn (`turnserver`) when the appliance runs without Docker: started
 * with the shipped turn/turnserver.conf plus the port, relay range, realm, the shared secret
 * and peer rules that let it relay to the box alone
 * (in a 0600 file, not on the command line), watched, restarted if it dies, stopped on close().
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
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

/**
 * The renderer is the relay's one legitimate peer, so the relay may reach only the box's own
 * addresses: every peer is denied, then each address of the box's interfaces is allowed. In
 * coturn an allowed-peer-ip is checked before the denied-peer-ip ranges (ns_turn_server.c,
 * good_peer_addr), so the two lists combine into "only these". Loopback stays denied (no
 * renderer candidate is there; the box's local UDP services, DNS included, are). Read at each
 * (re)start: the box's addresses may have changed.
 */
export function peerRules(interfaces = networkInterfaces()): string[] {
  const own = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      // Link-local IPv6 needs a zone coturn cannot take; the renderer's candidates are not there.
      if (!info.internal && !(info.family === "IPv6" && info.address.toLowerCase().startsWith("fe80:"))) own.add(info.address);
    }
  }
  return [
    "denied-peer-ip=0.0.0.0-255.255.255.255",
    "denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ...[...own].map((address) => `allowed-peer-ip=${address}`),
  ];
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
      ...peerRules(),
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
