/**
 * The bench's bad-link proxy: it must drop, delay and (only when asked) reorder datagrams as its
 * spec says, both ways, and stay bounded. A UDP echo server on loopback stands in for coturn.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { ImpairmentProxy } from "../../bench/link/impairment-proxy.js";
import { CLEAN_LINK, type LinkImpairment, parseLinkSpec } from "../../bench/link/link-spec.js";

/** A small deterministic generator (mulberry32), so a loss rate test is not a coin toss. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let echo: Socket;
let echoPort = 0;
before(async () => {
  echo = createSocket("udp4");
  echo.on("message", (data, from) => echo.send(data, from.port, from.address));
  await new Promise<void>((resolve) => echo.bind(0, "127.0.0.1", () => resolve()));
  echoPort = echo.address().port;
});
after(() => echo.close());

interface Arrival {
  seq: number;
  /** Time from send to the echo coming back through the proxy (both directions). */
  roundTripMs: number;
}

/** Sends `count` numbered datagrams through a proxy, `spacingMs` apart, and collects the echoes. */
async function through(link: LinkImpairment, count: number, spacingMs: number, extra: { maxQueued?: number } = {}) {
  const proxy = new ImpairmentProxy({ targetPort: echoPort, link, random: seeded(7), ...extra });
  await proxy.start();
  const client = createSocket("udp4");
  await new Promise<void>((resolve) => client.bind(0, "127.0.0.1", () => resolve()));
  const sentAt = new Map<number, number>();
  const arrivals: Arrival[] = [];
  client.on("message", (data) => {
    const seq = data.readUInt32BE(0);
    arrivals.push({ seq, roundTripMs: performance.now() - sentAt.get(seq)! });
  });
  for (let seq = 0; seq < count; seq++) {
    const data = Buffer.alloc(64);
    data.writeUInt32BE(seq, 0);
    sentAt.set(seq, performance.now());
    client.send(data, proxy.port, "127.0.0.1");
    // A pause every ten datagrams, so the kernel's socket buffer is not what drops them.
    if (seq % 10 === 9) await new Promise((r) => setTimeout(r, spacingMs * 10));
  }
  // Wait until the echoes stop coming: everything still in flight has arrived.
  await new Promise((r) => setTimeout(r, 2 * (link.delayMs + link.jitterMs)));
  const deadline = performance.now() + 5000;
  for (let seen = -1; arrivals.length !== seen && performance.now() < deadline;) {
    seen = arrivals.length;
    await new Promise((r) => setTimeout(r, 300));
  }
  client.close();
  const stats = { ...proxy.stats };
  await proxy.close();
  return { arrivals, stats };
}

const outOfOrder = (arrivals: Arrival[]) => arrivals.filter((a, i) => i > 0 && a.seq < arrivals[i - 1].seq).length;

describe("impairment proxy", () => {
  it("parses a link spec and names a bad part", () => {
    assert.deepEqual(parseLinkSpec("loss=3%,delay=20ms,jitter=10ms,reorder"), { lossRate: 0.03, delayMs: 20, jitterMs: 10, reorder: true });
    assert.deepEqual(parseLinkSpec(""), CLEAN_LINK);
    assert.throws(() => parseLinkSpec("loss=3"), /--link part 1 \("loss=3"\): loss takes a percentage/);
    assert.throws(() => parseLinkSpec("loss=3%,delay=20s"), /--link part 2 \("delay=20s"\): expected/);
    assert.throws(() => parseLinkSpec("delay=5ms,jitter=10ms"), /jitter \(10 ms\) must not exceed delay/);
    assert.throws(() => parseLinkSpec("loss=80%"), /not a link/);
  });

  it("passes everything through a clean link, in order", async () => {
    const { arrivals, stats } = await through(CLEAN_LINK, 200, 1);
    assert.equal(arrivals.length, 200);
    assert.equal(outOfOrder(arrivals), 0);
    assert.equal(stats.lost, 0);
  });

  it("drops datagrams at the loss rate, in each direction", async () => {
    const { arrivals, stats } = await through({ ...CLEAN_LINK, lossRate: 0.1 }, 2000, 1);
    // Two passes at 10 %: 81 % come back. The seeded generator makes this exact per run; the
    // window only allows for a different seed.
    const share = arrivals.length / 2000;
    assert.ok(share > 0.76 && share < 0.86, `came back: ${share}`);
    assert.ok(stats.lost > 300 && stats.lost < 500, `lost: ${stats.lost}`);
  });

  it("delays each direction and keeps jittered datagrams in order", async () => {
    const { arrivals } = await through({ lossRate: 0, delayMs: 20, jitterMs: 10, reorder: false }, 300, 1);
    assert.equal(arrivals.length, 300);
    const rtts = arrivals.map((a) => a.roundTripMs).sort((a, b) => a - b);
    // Two passes of 20 ± 10 ms: never under 20 ms in all, around 40 ms typically.
    assert.ok(rtts[0] >= 19.5, `fastest round trip ${rtts[0]} ms`);
    assert.ok(rtts[150] >= 30 && rtts[150] < 120, `median round trip ${rtts[150]} ms`);
    assert.equal(outOfOrder(arrivals), 0);
  });

  it("reorders only when asked", async () => {
    const { arrivals, stats } = await through({ lossRate: 0, delayMs: 20, jitterMs: 10, reorder: true }, 300, 1);
    assert.equal(arrivals.length, 300);
    assert.ok(outOfOrder(arrivals) > 10, `out of order: ${outOfOrder(arrivals)}`);
    assert.ok(stats.reordered > 10);
  });

  it("is bounded: a full queue drops instead of growing", async () => {
    // 300 datagrams within ~100 ms into a 1 s delay: only the first 50 fit.
    const { arrivals, stats } = await through({ lossRate: 0, delayMs: 1000, jitterMs: 0, reorder: false }, 300, 0, { maxQueued: 50 });
    assert.equal(stats.overflow, 250);
    assert.equal(arrivals.length, 50);
  });

  it("stops by itself after its lifetime", async () => {
    const proxy = new ImpairmentProxy({ targetPort: echoPort, link: CLEAN_LINK, maxLifetimeMs: 50 });
    await proxy.start();
    const client = createSocket("udp4");
    let echoes = 0;
    client.on("message", () => echoes++);
    await new Promise((r) => setTimeout(r, 150));
    client.send(Buffer.from("late"), proxy.port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    assert.equal(echoes, 0);
    await proxy.close();
  });
});
