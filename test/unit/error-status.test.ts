import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { httpError } from "../../renderer/http/error-status.js";

describe("reason to HTTP status", () => {
  it("keeps the statuses of the original contract", () => {
    assert.deepEqual(httpError("bad_request"), { status: 400, code: "bad_request" });
    assert.deepEqual(httpError("session_not_found"), { status: 404, code: "session_not_found" });
    assert.deepEqual(httpError("url_not_allowed"), { status: 403, code: "url_not_allowed" });
    assert.deepEqual(httpError("navigation_failed"), { status: 502, code: "navigation_failed" });
  });

  it("tells a client over its quota to slow down, and a full appliance that it is unavailable, with one code", () => {
    assert.deepEqual(httpError("client_session_quota"), { status: 429, code: "too_many_sessions" });
    assert.deepEqual(httpError("too_many_sessions"), { status: 503, code: "too_many_sessions" });
  });

  it("answers a session closed under a request as gone, and a missing viewer build as unavailable", () => {
    assert.deepEqual(httpError("session_closed"), { status: 410, code: "session_not_found" });
    assert.deepEqual(httpError("viewer_not_built"), { status: 503, code: "internal" });
  });
});
