/**
 * A real coturn for tests, on 127.0.0.1 only: the shipped turn/turnserver.conf plus a loopback
 * listener and relay, with 127.0.0.1 allowed as a peer (the shipped config denies loopback peers;
 * here both ends of the call live on this machine's loopback).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { parseConfig } from "../../renderer/config/load.js";
import { TurnServer } from "../../renderer/turn/turn-server.js";
import { REPO_ROOT } from "./paths.js";

export const TEST_TURN_SECRET = "test-secret-0123456789abcdef";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestTurn {
  server: TurnServer;
  port: number;
  urls: string[];
}

export async function startTestTurn(secret = TEST_TURN_SECRET): Promise<TestTurn> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-test-turn-"));
  const base = join(dir, "base.conf");
  const shipped = readFileSync(join(REPO_ROOT, "turn", "turnserver.conf"), "utf8");
  writeFileSync(base, `${shipped}\nlistening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nallowed-peer-ip=127.0.0.1\n`);
  const turn = {
    ...parseConfig("kiosks: [{ id: a, title: A, url: http://x/ }]").turn,
    port,
    relayPorts: { min: 49300, max: 49340 },
  };
  const server = new TurnServer({ turn, secret, baseConfigPath: base, log: pino({ level: "silent" }) });
  await server.start();
  return { server, port, urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`] };
}

/** The renderer config's turn section pointing at a test coturn. */
export function turnSection(turn: TestTurn, secret = TEST_TURN_SECRET, ttlSeconds = 600): string {
  return `turn: { enabled: true, spawn: never, urls: ${JSON.stringify(turn.urls)}, secret: "${secret}", ttlSeconds: ${ttlSeconds} }`;
}
