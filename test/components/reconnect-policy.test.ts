import { expect } from "@esm-bundle/chai";
import { afterConnectionLost, RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS } from "../../viewer/src/connection/reconnect-policy.js";

describe("afterConnectionLost", () => {
  it("waits for the network when the tablet is offline, without counting an attempt", () => {
    expect(afterConnectionLost({ attempts: 3, online: false })).to.deep.equal({ kind: "offline" });
  });

  it("doubles the delay with each attempt", () => {
    expect(afterConnectionLost({ attempts: 0, online: true })).to.deep.equal({ kind: "wait", delayMs: RECONNECT_BASE_DELAY_MS, attempts: 1 });
    expect(afterConnectionLost({ attempts: 2, online: true })).to.deep.equal({ kind: "wait", delayMs: 4 * RECONNECT_BASE_DELAY_MS, attempts: 3 });
  });

  it("never waits longer than the ceiling", () => {
    const decision = afterConnectionLost({ attempts: 20, online: true });
    expect(decision).to.deep.equal({ kind: "wait", delayMs: RECONNECT_MAX_DELAY_MS, attempts: 21 });
  });
});
