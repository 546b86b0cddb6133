/**
 * The appliance's own coturn relays only to the box itself: the renderer is the relay's one
 * legitimate peer, so a TURN client with valid credentials (any tablet on the LAN gets them)
 * cannot use the relay to reach other hosts of the LAN or the internet. Asked with TURN
 * CreatePermission, which coturn answers without sending anything to the peer: every packet of
 * this test goes to 127.0.0.1.
 */
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { test } from "node:test";
import { useAppliance } from "../support/appliance.js";
import { testConfig } from "../support/config.js";
import { freePort } from "../support/turn.js";
import { TurnClient } from "../support/turn-client.js";

const SECRET = "turn-peers-test-secret-0123456789";
/** The port the renderer's own coturn listens on (it spawns one: `spawn: auto`). */
let turnPort: number;

useAppliance({
  beforeStart: async () => {
    turnPort = await freePort();
  },
  config: (origin) =>
    testConfig(origin, { extra: `turn: { enabled: true, spawn: auto, port: ${turnPort}, relayPorts: { min: 49400, max: 49440 } }` }),
  env: { TURN_SECRET: SECRET },
});

/** One allocation (coturn caps allocations per user), then a CreatePermission for each address. */
async function permissions(ips: string[]): Promise<Map<string, number>> {
  const { username, password } = TurnClient.credentials(SECRET);
  const client = new TurnClient(turnPort, username, password);
  try {
    assert.equal(await client.allocate(), 0, "the allocation with valid credentials");
    const answers = new Map<string, number>();
    for (const ip of ips) answers.set(ip, await client.createPermission(ip));
    return answers;
  } finally {
    client.close();
  }
}

test("the relay refuses peers on the LAN that are not the box", async () => {
  for (const [ip, answer] of await permissions(["192.168.77.9", "10.1.2.3", "172.16.5.5", "169.254.169.254", "100.64.0.1"])) {
    assert.equal(answer, 403, `CreatePermission for ${ip}`);
  }
});

test("the relay refuses public peers and the box's loopback", async () => {
  for (const [ip, answer] of await permissions(["8.8.8.8", "93.184.215.14", "127.0.0.1", "127.0.0.53"])) {
    assert.equal(answer, 403, `CreatePermission for ${ip}`);
  }
});

test("the relay grants the box's own addresses (where the renderer's candidates are)", async () => {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal)
    .map((i) => i!.address);
  if (own.length === 0) return;
  for (const [ip, answer] of await permissions(own)) assert.equal(answer, 0, `CreatePermission for the box's ${ip}`);
});
