import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wireCode } from "../../renderer/error-codes.js";

describe("core reasons on the WebSocket paths", () => {
  it("a full session is too_many_viewers, not too_many_sessions", () => {
    assert.equal(wireCode("too_many_viewers", "negotiation_failed"), "too_many_viewers");
  });

  it("a full appliance shares the 503 status but is not reported as a full session", () => {
    assert.equal(wireCode("too_many_sessions", "negotiation_failed"), "negotiation_failed");
    assert.equal(wireCode("browser_unavailable", "internal"), "internal");
  });

  it("a missing session keeps the code the original client knows", () => {
    assert.equal(wireCode("session_not_found", "internal"), "unknown_session");
  });
});
