import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SESSION_ID_PATTERN } from "../../protocol/index.js";
import { parseConfig } from "../../renderer/config/load.js";
import { DEFAULT_LINK_TUNING } from "../../renderer/webrtc/link-tuning.js";
import { KioskCatalog } from "../../renderer/sessions/kiosk-catalog.js";
import { planSession, sessionSettings } from "../../renderer/sessions/session-plan.js";

const config = parseConfig(
  [
    "viewport: { width: 1023, height: 601 }",
    "audio: { default: false }",
    "kiosks:",
    "  - { id: home, title: Home, url: http://10.0.0.5/ }",
    "  - { id: radio, title: Radio, url: http://10.0.0.6/, audio: true }",
    "sessions: { idleTimeoutSeconds: 90, resetAfterIdleSeconds: 30, clearStorageOnReset: true, maxPageMemoryMB: 256 }",
    "video: { maxFps: 24, jpegQuality: 70, capture: screenshot }",
    "",
  ].join("\n"),
  "test.yaml",
);
const kiosks = new KioskCatalog(config, "http://127.0.0.1:8000");

describe("session plan", () => {
  it("opens the first kiosk for an empty request (the original create-then-load flow), at the configured size made even", () => {
    const plan = planSession({}, kiosks, config.viewport);
    assert.equal(plan.url, "http://10.0.0.5/");
    assert.equal(plan.kioskId, "home");
    assert.equal(plan.custom, false);
    assert.equal(plan.wantsAudio, false);
    assert.deepEqual(plan.viewport, { width: 1022, height: 600 });
  });

  it("opens the named kiosk with its sound choice, at the device's size", () => {
    const plan = planSession({ kiosk: "radio", width: 801, height: 1281 }, kiosks, config.viewport);
    assert.equal(plan.kioskId, "radio");
    assert.equal(plan.wantsAudio, true);
    assert.deepEqual(plan.viewport, { width: 800, height: 1280 });
  });

  it("marks a typed URL as custom, so the URL policy still has to allow it", () => {
    const plan = planSession({ url: "http://10.0.0.9/page" }, kiosks, config.viewport);
    assert.equal(plan.custom, true);
    assert.equal(plan.url, "http://10.0.0.9/page");
    assert.equal(plan.kioskId, undefined);
  });

  it("refuses an unknown kiosk and names the configured ones", () => {
    assert.throws(() => planSession({ kiosk: "nope" }, kiosks, config.viewport), /no kiosk "nope"; configured: home, radio/);
  });

  it("keeps the client's session id, and otherwise picks a well-formed one that differs each time", () => {
    assert.equal(planSession({ session_id: "tablet-1" }, kiosks, config.viewport).id, "tablet-1");
    const ids = new Set(Array.from({ length: 50 }, () => planSession({}, kiosks, config.viewport).id));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, SESSION_ID_PATTERN);
  });

  it("gives every session the config's settings in milliseconds and bytes", () => {
    assert.deepEqual(sessionSettings(config), {
      jpegQuality: 70,
      maxFps: 24,
      captureMethod: "screenshot",
      idleTimeoutMs: 90_000,
      resetAfterIdleMs: 30_000,
      clearStorageOnReset: true,
      maxPageMemoryBytes: 256 * 1024 * 1024,
    });
    const tuned = sessionSettings(config, { ...DEFAULT_LINK_TUNING, tailProbeMs: 25 });
    assert.equal(tuned.tailProbeMs, 25);
  });
});
