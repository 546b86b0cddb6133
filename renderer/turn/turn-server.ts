/**
 * The owner of a local coturn (`turnserver`) when the appliance runs without Docker: started
 * with the shipped turn/turnserver.conf plus the port, relay range, realm, the shared secret
 * and peer rules that let it relay to the box alone
 * (in a 0600 file, not on the command line), watched, restarted if it dies, stopped on close().
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { TurnConfig } from "../config/schema.js";
import type { Logger } from "../log.js";
import { Backoff } from "../process/backoff.js";
import { SupervisedProcess } from "../process/supervised-process.js";
import { stunProbe } from "./stun-probe.js";

const TURNSERVER_PATH = "/usr/bin/turnserver";
const READY_TIMEOUT_MS = 10_000;
const RESTART_FIRST_DELAY_MS = 2_000;
const RESTART_MAX_DELAY_MS = 30_000;
/** A relay that ran this long is healthy again: the next failure restarts after the first delay. */
const HEALTHY_AFTER_MS = 60_000;
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
function peerRules(interfaces = networkInterfaces()): string[] {
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
  private relay: SupervisedProcess | null = null;
  private closed = false;
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
      if (!this.relay?.running) break;
    }
    throw new Error(`turnserver did not answer on 127.0.0.1:${this.options.turn.port} within ${READY_TIMEOUT_MS} ms (is the port in use?)`);
  }

  private launch(config: string): void {
    const log = this.log;
    this.relay = new SupervisedProcess({
      name: "turnserver",
      command: this.options.binary ?? TURNSERVER_PATH,
      args: () => ["-c", config],
      // Its own process group: Ctrl-C on `npm start` reaches the renderer, which stops coturn in
      // order, instead of killing both at once. The exit hook covers a renderer that dies abruptly.
      detached: true,
      log,
      backoff: new Backoff({ initialMs: RESTART_FIRST_DELAY_MS, factor: 2, maxMs: RESTART_MAX_DELAY_MS, stableAfterMs: HEALTHY_AFTER_MS }),
      parentExitSignal: "SIGTERM",
      stopGraceMs: STOP_TIMEOUT_MS,
      onLine: (line) => {
        if (/ERROR|error:/.test(line)) log.warn({ line }, "turnserver");
        else log.debug({ line }, "turnserver");
      },
      onExit: ({ code, signal, restartInMs }) => log.error({ code, signal, retryInMs: restartInMs }, "turnserver exited; restarting"),
    });
    this.relay.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.relay?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
