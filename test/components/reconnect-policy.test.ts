import { expect } from "@esm-bundle/chai";
import {
  afterConnectionLost,
  afterOffline,
  afterOnline,
  afterServerError,
  afterWake,
  MAX_SESSION_RECREATES,
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

describe("afterOffline and afterOnline", () => {
  it("waits for the network from any live state", () => {
    for (const status of ["creating", "connecting", "streaming", "reconnecting", "offline"] as const) {
      expect(afterOffline(status)).to.equal("go-offline");
    }
  });

  it("leaves a failed or closed session alone when the network goes", () => {
    expect(afterOffline("error")).to.equal("nothing");
    expect(afterOffline("closed")).to.equal("nothing");
  });

  it("reconnects at once when the network comes back to a session waiting for it or for a backoff", () => {
    expect(afterOnline("offline")).to.equal("reconnect");
    expect(afterOnline("reconnecting")).to.equal("reconnect");
  });

  it("does not disturb an attempt under way, a stream, or a finished session when the network comes back", () => {
    for (const status of ["creating", "connecting", "streaming", "error", "closed"] as const) {
      expect(afterOnline(status)).to.equal("nothing");
    }
  });
});

describe("afterServerError", () => {
  it("recreates a session the renderer forgot, counting each one", () => {
    expect(afterServerError({ code: "unknown_session", status: "connecting", recreates: 0 })).to.deep.equal({
      kind: "recreate",
      recreates: 1,
    });
    expect(afterServerError({ code: "session_closed", status: "streaming", recreates: 1 })).to.deep.equal({
      kind: "recreate",
      recreates: 2,
    });
  });

  it("gives up after MAX_SESSION_RECREATES in a row", () => {
    const last = { code: "unknown_session", status: "connecting", recreates: MAX_SESSION_RECREATES - 1 } as const;
    expect(afterServerError(last)).to.deep.equal({ kind: "recreate", recreates: MAX_SESSION_RECREATES });
    expect(afterServerError({ ...last, recreates: MAX_SESSION_RECREATES })).to.deep.equal({
      kind: "fail",
      recreates: MAX_SESSION_RECREATES + 1,
    });
  });

  it("only shows any other error while streaming", () => {
    expect(afterServerError({ code: "invalid_message", status: "streaming", recreates: 0 })).to.deep.equal({ kind: "notice" });
  });

  it("counts any other error before the picture as a lost connection", () => {
    for (const status of ["creating", "connecting", "reconnecting"] as const) {
      expect(afterServerError({ code: "too_many_viewers", status, recreates: 0 })).to.deep.equal({ kind: "reconnect" });
    }
  });
});
