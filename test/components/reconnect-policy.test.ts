import { expect } from "@esm-bundle/chai";
import {
  afterConnectionLost,
  afterWake,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
} from "../../viewer/src/connection/reconnect-policy.js";

describe("afterConnectionLost", () => {
  it("waits for the network when the tablet is offline, without counting an attempt", () => {
    expect(afterConnectionLost({ attempts: 3, online: false })).to.deep.equal({ kind: "offline" });
  });

  it("doubles the delay with each attempt", () => {
    expect(afterConnectionLost({ attempts: 0, online: true })).to.deep.equal({
      kind: "wait",
      delayMs: RECONNECT_BASE_DELAY_MS,
      attempts: 1,
    });
    expect(afterConnectionLost({ attempts: 2, online: true })).to.deep.equal({
      kind: "wait",
      delayMs: 4 * RECONNECT_BASE_DELAY_MS,
      attempts: 3,
    });
  });

  it("never waits longer than the ceiling", () => {
    const decision = afterConnectionLost({ attempts: 20, online: true });
    expect(decision).to.deep.equal({ kind: "wait", delayMs: RECONNECT_MAX_DELAY_MS, attempts: 21 });
  });
});

describe("afterWake", () => {
  const streaming = {
    status: "streaming",
    online: true,
    backoffPending: false,
    linkAlive: true,
    socketOpen: true,
    pingPending: false,
  } as const;

  it("pings a link that looks alive, once", () => {
    expect(afterWake(streaming)).to.equal("ping");
    expect(afterWake({ ...streaming, pingPending: true })).to.equal("nothing");
  });

  it("rebuilds a link that died in its sleep, or one waiting out a backoff", () => {
    expect(afterWake({ ...streaming, linkAlive: false })).to.equal("reconnect");
    expect(afterWake({ ...streaming, status: "reconnecting", backoffPending: true })).to.equal("reconnect");
  });

  it("reconnects from offline only when the network is back", () => {
    expect(afterWake({ ...streaming, status: "offline", online: true })).to.equal("reconnect");
    expect(afterWake({ ...streaming, status: "offline", online: false })).to.equal("nothing");
  });

  it("leaves a finished or failed session alone", () => {
    expect(afterWake({ ...streaming, status: "closed" })).to.equal("nothing");
    expect(afterWake({ ...streaming, status: "error", linkAlive: false })).to.equal("nothing");
  });
});
